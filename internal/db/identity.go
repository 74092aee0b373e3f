package db

// SyncIdentity returns the statement that moves table's id sequence past
// the ids written explicitly (a bulk load that chose its own ids), or ""
// when the engine follows by itself (SQLite's AUTOINCREMENT records the
// largest id inserted).
func (d Dialect) SyncIdentity(table string) string {
	if d.Engine == Postgres {
		return "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM " + table + "), false)"
	}
	return ""
}
