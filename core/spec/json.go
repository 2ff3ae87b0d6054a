package spec

import "encoding/json"

// Decoding JSON starts from Aurora's defaults for every field whose zero
// value means something else (instances, max_task_failures, max_failures,
// min_duration, finalization_wait, rollback_on_failure, ...), so that in
// an API payload a field that is omitted takes its default and a field
// that is present keeps its value, even 0 or false. Fields whose zero value
// means "unwritten" (an empty tier or executor, a nil update or
// partition_policy) stay unwritten, for ApplyDefaults to fill: so a job
// decodes to exactly what was encoded, whether or not ApplyDefaults had
// run on it (the replicated log relies on this), and
// ApplyDefaults(decoded) equals ApplyDefaults of the same fields written
// over NewJob. Each method decodes into a defaulted value of a plain copy of
// the type, which has no UnmarshalJSON of its own.

// jsonBase is what a decoded job starts from.
func jsonBase() *Job {
	return &Job{Instances: DefaultInstances, MaxTaskFailures: DefaultMaxTaskFailures, Task: *NewTask()}
}

// UnmarshalJSON decodes a job over Aurora's defaults.
func (j *Job) UnmarshalJSON(b []byte) error {
	type plain Job
	v := (*plain)(jsonBase())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*j = Job(*v)
	return nil
}

// UnmarshalJSON decodes a task over NewTask's defaults.
func (t *Task) UnmarshalJSON(b []byte) error {
	type plain Task
	v := (*plain)(NewTask())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*t = Task(*v)
	return nil
}

// UnmarshalJSON decodes a process over NewProcess's defaults.
func (p *Process) UnmarshalJSON(b []byte) error {
	type plain Process
	v := (*plain)(NewProcess(""))
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*p = Process(*v)
	return nil
}

// UnmarshalJSON decodes a rotation over NewRotatePolicy's defaults.
func (r *RotatePolicy) UnmarshalJSON(b []byte) error {
	type plain RotatePolicy
	v := (*plain)(NewRotatePolicy())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*r = RotatePolicy(*v)
	return nil
}

// UnmarshalJSON decodes update settings over NewUpdateConfig's defaults.
func (u *UpdateConfig) UnmarshalJSON(b []byte) error {
	type plain UpdateConfig
	v := (*plain)(NewUpdateConfig())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*u = UpdateConfig(*v)
	return nil
}

// UnmarshalJSON decodes a strategy; batch_size defaults to 1 except for
// variable_batch.
func (s *UpdateStrategy) UnmarshalJSON(b []byte) error {
	type plain UpdateStrategy
	var v struct {
		plain
		BatchSize *int `json:"batch_size"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out := UpdateStrategy(v.plain)
	out.BatchSize = NewUpdateStrategy(out.Type).BatchSize
	if v.BatchSize != nil {
		out.BatchSize = *v.BatchSize
	}
	*s = out
	return nil
}

// UnmarshalJSON decodes health check settings over NewHealthCheck's
// defaults.
func (h *HealthCheck) UnmarshalJSON(b []byte) error {
	type plain HealthCheck
	v := (*plain)(NewHealthCheck())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*h = HealthCheck(*v)
	return nil
}

// UnmarshalJSON decodes an HTTP checker over NewHTTPHealthChecker's
// defaults.
func (c *HTTPHealthChecker) UnmarshalJSON(b []byte) error {
	type plain HTTPHealthChecker
	v := (*plain)(NewHTTPHealthChecker())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*c = HTTPHealthChecker(*v)
	return nil
}

// UnmarshalJSON decodes an HTTP lifecycle over NewHTTPLifecycle's
// defaults.
func (l *HTTPLifecycle) UnmarshalJSON(b []byte) error {
	type plain HTTPLifecycle
	v := (*plain)(NewHTTPLifecycle())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*l = HTTPLifecycle(*v)
	return nil
}

// UnmarshalJSON decodes a partition policy over NewPartitionPolicy's
// defaults.
func (p *PartitionPolicy) UnmarshalJSON(b []byte) error {
	type plain PartitionPolicy
	v := (*plain)(NewPartitionPolicy())
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*p = PartitionPolicy(*v)
	return nil
}
