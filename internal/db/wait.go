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

// UpdateLock returns the clause that makes a SELECT lock the rows it reads
// until the transaction ends, so that other transactions that lock or
// change them wait: " FOR UPDATE" on PostgreSQL. It is "" on SQLite, whose
// one writer connection runs write transactions one after another anyway.
// Append it to a SELECT from one table inside InTx.
func (d Dialect) UpdateLock() string {
	if d.Engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
