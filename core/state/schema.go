package state

import memdb "github.com/hashicorp/go-memdb"

const (
	tableJobs    = "jobs"
	tableTasks   = "tasks"
	tableMeta    = "meta"
	tableQuotas  = "quotas"
	tablePlugins = "plugins"
)

func schema() *memdb.DBSchema {
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		tableJobs: {
			Name: tableJobs,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
			},
		},
		tableTasks: {
			Name: tableTasks,
			Indexes: map[string]*memdb.IndexSchema{
				"id":     {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "ID"}},
				"job":    {Name: "job", Indexer: &memdb.StringFieldIndex{Field: "JobKey"}},
				"status": {Name: "status", Indexer: &memdb.IntFieldIndex{Field: "Status"}},
				"agent": {Name: "agent", AllowMissing: true,
					Indexer: &memdb.StringFieldIndex{Field: "AgentID"}},
			},
		},
		tableQuotas: {
			Name: tableQuotas,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Role"}},
			},
		},
		tablePlugins: {
			Name: tablePlugins,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "ID"}},
			},
		},
		tableMeta: {
			Name: tableMeta,
			Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Key"}},
			},
		},
	}}
}
