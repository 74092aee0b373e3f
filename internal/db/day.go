package db

// KSTDay returns the SQL expression of the Korean calendar day (Asia/Seoul,
// UTC+9, no daylight saving) of the stored time column col, as text
// "2006-01-02": the day a shop's accountant files a sale under.
func (d Dialect) KSTDay(col string) string {
	if d.Engine == Postgres {
		return "to_char(" + col + " AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')"
	}
	return "date(" + col + ", '+9 hours')"
}
