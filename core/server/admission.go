package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aurora-go/aurora/core/pluginhost"
	"github.com/aurora-go/aurora/core/scheduling"
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/sdk"
)

var _ scheduling.Admission = (*pluginRunner)(nil)

// ValidatePlacements checks each placement block against the ConfigSchema
// of the enabled constraint plugin whose catalog name is the block's name.
// A block for a plugin that is not enabled is refused; a schema violation
// names placement[NAME].FIELD (the field from the violation's JSON
// pointer), or placement[NAME] for the block as a whole.
func (r *pluginRunner) ValidatePlacements(ctx context.Context, placements []spec.Placement) spec.FieldErrors {
	var errs spec.FieldErrors
	for _, p := range placements {
		path := "placement[" + p.Name + "]"
		r.stateMu.RLock()
		rp := r.running[sdk.KindConstraint+"/"+p.Name]
		r.stateMu.RUnlock()
		if rp == nil {
			errs.Add(path, fmt.Sprintf("no enabled constraint plugin %q owns this block (`aurora plugin list` shows the catalog)", p.Name))
			continue
		}
		schema, err := rp.compiledSchema(ctx)
		if err != nil {
			errs.Add(path, fmt.Sprintf("cannot check the block against plugin %s: %v", rp.entry.ID(), err))
			continue
		}
		vs, err := schema.Violations(p.Config)
		if err != nil {
			errs.Add(path, err.Error())
			continue
		}
		for _, v := range vs {
			errs.Add(path+pointerPath(v.Pointer), v.Message)
		}
	}
	return errs
}

// compiledSchema asks a running constraint plugin for its schema once.
func (rp *runningPlugin) compiledSchema(ctx context.Context) (*sdk.CompiledSchema, error) {
	rp.schemaMu.Lock()
	defer rp.schemaMu.Unlock()
	if rp.schema != nil {
		return rp.schema, nil
	}
	if rp.client == nil {
		return nil, fmt.Errorf("the plugin is not running: %w", rp.startErr)
	}
	doc, err := rp.client.ConfigSchema(ctx)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if doc != nil {
		raw = doc.JSON
	}
	cs, err := sdk.CompileSchema(raw)
	if err != nil {
		return nil, err
	}
	rp.schema = cs
	return cs, nil
}

// pointerPath turns a JSON pointer such as /zones/0/name into the field
// path suffix .zones[0].name.
func pointerPath(ptr string) string {
	if ptr == "" || ptr == "/" {
		return ""
	}
	var b strings.Builder
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		if seg != "" && strings.Trim(seg, "0123456789") == "" {
			b.WriteString("[" + seg + "]")
		} else {
			b.WriteString("." + seg)
		}
	}
	return b.String()
}

// CheckQuota asks every enabled quota plugin; the first denial refuses.
// With no quota plugin enabled everything is allowed.
//
// The quotas of `aurora admin set_quota` live in the log's quotas table,
// and the built-in quota/static plugin enforces them: before each check
// the leader configures it with its catalog entry's config, in which every
// role with a quota in the log has that quota instead (RAM and disk in
// MiB). Other quota plugins keep their own configuration.
func (r *pluginRunner) CheckQuota(ctx context.Context, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	r.stateMu.RLock()
	var quotas []*runningPlugin
	for _, rp := range r.running {
		if rp.quota != nil {
			quotas = append(quotas, rp)
		}
	}
	r.stateMu.RUnlock()
	for _, rp := range quotas {
		if rp.client != nil && rp.entry.Builtin && rp.entry.Name == "static" {
			d, err := r.checkStatic(ctx, rp, req)
			if err != nil || !d.Allowed {
				return d, err
			}
			continue
		}
		d, err := rp.quota.Check(ctx, req)
		if err != nil || !d.Allowed {
			return d, err
		}
	}
	return &sdk.QuotaDecision{Allowed: true}, nil
}

func (r *pluginRunner) checkStatic(ctx context.Context, rp *runningPlugin, req *sdk.QuotaCheckRequest) (*sdk.QuotaDecision, error) {
	r.quotaMu.Lock()
	defer r.quotaMu.Unlock()
	cfg, err := r.staticQuotaConfig(rp.entry)
	if err == nil {
		err = rp.client.Configure(ctx, cfg)
	}
	if err != nil {
		if rp.entry.FailurePolicy == pluginhost.FailOpen {
			r.logger.Warn("cannot configure the quota plugin; allowing (fail_open)", "plugin", rp.entry.ID(), "error", err)
			return &sdk.QuotaDecision{Allowed: true}, nil
		}
		return &sdk.QuotaDecision{Reason: fmt.Sprintf("Quota plugin %s/%s unavailable (fail_closed): %v", rp.entry.Kind, rp.entry.Name, err)}, nil
	}
	return rp.quota.Check(ctx, req)
}

// staticQuotaConfig is the built-in static quota plugin's configuration:
// its entry's, with the log's quotas as the roles' quotas.
func (r *pluginRunner) staticQuotaConfig(e pluginhost.Entry) (json.RawMessage, error) {
	cfg := map[string]json.RawMessage{}
	if len(e.Config) > 0 {
		if err := json.Unmarshal(e.Config, &cfg); err != nil {
			return nil, fmt.Errorf("quota plugin %s config: %w", e.ID(), err)
		}
	}
	roles := map[string]json.RawMessage{}
	if raw, ok := cfg["roles"]; ok {
		if err := json.Unmarshal(raw, &roles); err != nil {
			return nil, fmt.Errorf("quota plugin %s config roles: %w", e.ID(), err)
		}
	}
	qs, err := r.s.store.Quotas()
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		b, _ := json.Marshal(map[string]interface{}{"cpus": q.CPU, "ram_mb": q.RAM / spec.MiB, "disk_mb": q.Disk / spec.MiB})
		roles[q.Role] = b
	}
	if len(roles) > 0 {
		b, _ := json.Marshal(roles)
		cfg["roles"] = b
	}
	return json.Marshal(cfg)
}
