package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// Cron collision policies: what a cron run does when the previous run is
// still active.
const (
	CronKillExisting = "KILL_EXISTING"
	CronCancelNew    = "CANCEL_NEW"
	// CronRunOverlap is deprecated in Aurora and rejected.
	CronRunOverlap = "RUN_OVERLAP"

	DefaultCronCollisionPolicy = CronKillExisting
)

// Cron runs a (batch) job on a schedule.
type Cron struct {
	// Schedule is a five-field crontab entry, in the scheduler's time
	// zone (GMT unless configured).
	Schedule        string `json:"schedule"`
	CollisionPolicy string `json:"collision_policy"`
}

// NewCron returns a cron block with Aurora's default collision policy.
func NewCron() *Cron { return &Cron{CollisionPolicy: DefaultCronCollisionPolicy} }

// Validate checks the schedule and the collision policy.
func (c *Cron) Validate() FieldErrors {
	var errs FieldErrors
	if _, err := ParseCronSchedule(c.Schedule); err != nil {
		errs.Add("schedule", err.Error())
	}
	switch c.CollisionPolicy {
	case CronKillExisting, CronCancelNew:
	case CronRunOverlap:
		errs.Add("collision_policy", "RUN_OVERLAP is deprecated and no longer supported: use KILL_EXISTING or CANCEL_NEW")
	default:
		errs.Add("collision_policy", fmt.Sprintf("%q is not a collision policy: use KILL_EXISTING or CANCEL_NEW", c.CollisionPolicy))
	}
	return errs
}

// CronSchedule is a parsed crontab entry: the values each field allows.
type CronSchedule struct {
	Minutes, Hours, DaysOfMonth, Months, DaysOfWeek []int
}

// cronField describes one crontab field.
type cronField struct {
	name     string
	min, max int
	names    []string // names for min, min+1, ...
}

var cronFields = []cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	// 0 and 7 are both Sunday.
	{name: "day of week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// ParseCronSchedule parses a five-field crontab entry ("minute hour
// day-of-month month day-of-week"). Each field is *, a value, a range
// a-b, a step */n or a-b/n, or a comma list of these; months and days of
// the week may be written as JAN-DEC and SUN-SAT.
func ParseCronSchedule(s string) (*CronSchedule, error) {
	fields := strings.Fields(s)
	if len(fields) != len(cronFields) {
		return nil, fmt.Errorf("%q is not a cron schedule: write five fields, minute hour day-of-month month day-of-week, such as \"*/15 * * * *\"", s)
	}
	out := make([][]int, len(fields))
	for i, f := range fields {
		vals, err := cronFields[i].parse(f)
		if err != nil {
			return nil, fmt.Errorf("cron schedule %q: %s field: %w", s, cronFields[i].name, err)
		}
		out[i] = vals
	}
	return &CronSchedule{Minutes: out[0], Hours: out[1], DaysOfMonth: out[2], Months: out[3], DaysOfWeek: out[4]}, nil
}

func (f cronField) parse(s string) ([]int, error) {
	set := make([]bool, f.max+1)
	for _, part := range strings.Split(s, ",") {
		lo, hi, step := f.min, f.max, 1
		rng, stepText, hasStep := strings.Cut(part, "/")
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%q: a step must be a positive number", part)
			}
			step = n
		}
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a); err != nil {
				return nil, err
			}
			hi = lo
			if isRange {
				if hi, err = f.value(b); err != nil {
					return nil, err
				}
				if hi < lo {
					return nil, fmt.Errorf("%q: the range runs backwards", part)
				}
			} else if hasStep {
				hi = f.max // "5/15" means from 5 on
			}
		}
		for v := lo; v <= hi; v += step {
			set[v] = true
		}
	}
	var vals []int
	for v, ok := range set {
		if ok {
			vals = append(vals, v)
		}
	}
	return vals, nil
}

func (f cronField) value(s string) (int, error) {
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if n < f.min || n > f.max {
		return 0, fmt.Errorf("%d is out of range %d-%d", n, f.min, f.max)
	}
	return n, nil
}
