package db

// WritesInCTE reports whether a WITH clause may hold an INSERT, UPDATE or
// DELETE (a data-modifying common table expression), which lets a row and
// the rows that refer to it be written in one statement, one round trip:
// PostgreSQL runs them, SQLite does not.
func (d Dialect) WritesInCTE() bool { return d.Engine == Postgres }
