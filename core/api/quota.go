package api

import (
	"github.com/aurora-go/aurora/core/spec"
	"github.com/aurora-go/aurora/core/state"
)

// Consume adds up what active tasks use (Aurora's QuotaManager): each
// active task counts its resources once, in the production or
// non-production pool by its tier, and in the dedicated or shared pool by
// its dedicated constraint. Inactive tasks use nothing.
func Consume(tasks []*state.Task) Consumption {
	var c Consumption
	for _, t := range tasks {
		if !t.Status.Active() || t.Config == nil {
			continue
		}
		r := t.Config.Task.Resources
		use := Resources{CPU: r.CPU, RAM: r.RAM, Disk: r.Disk}
		prod := spec.IsProductionTier(t.Config.Tier)
		switch {
		case prod && !t.Config.IsDedicated():
			c.ProdShared = c.ProdShared.Add(use)
		case prod:
			c.ProdDedicated = c.ProdDedicated.Add(use)
		case !t.Config.IsDedicated():
			c.NonProdShared = c.NonProdShared.Add(use)
		default:
			c.NonProdDedicated = c.NonProdDedicated.Add(use)
		}
	}
	return c
}
