package db

// ShareLock returns the clause that makes a SELECT wait for the
// transactions changing the rows it reads and then read them as committed:
// " FOR SHARE" on PostgreSQL, which otherwise returns the version from
// before such a transaction at once. It is "" on SQLite, where a read never
// waits for the writer and sees the last commit (WAL). Append it to a
// SELECT from one table, and bound the wait with the context.
func (d Dialect) ShareLock() string {
	if d.Engine == Postgres {
		return " FOR SHARE"
	}
	return ""
}
