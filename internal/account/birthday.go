package account

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// Birthday is the birthday a customer gave: a month and a day, the year
// optional (0). The zero Birthday is none given. 2월 29일 is a birthday
// like any other; the birthday coupon takes it on 2월 28일 in other years.
type Birthday struct {
	Year  int // 0 when not given
	Month int // 1–12
	Day   int // 1–31, as the month has
}

// IsZero tells whether no birthday was given.
func (b Birthday) IsZero() bool { return b.Month == 0 && b.Day == 0 && b.Year == 0 }

// String is the birthday as "MM-DD" or "YYYY-MM-DD", or "".
func (b Birthday) String() string {
	switch {
	case b.IsZero():
		return ""
	case b.Year == 0:
		return fmt.Sprintf("%02d-%02d", b.Month, b.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", b.Year, b.Month, b.Day)
}

// ParseBirthday reads "YYYY-MM-DD", "MM-DD" or "" (none) as a customer or
// an API client types it, without checking that the date exists (the
// service does, with the field's message); text that is not of that shape
// is a *fault.Invalid under "birthday".
func ParseBirthday(s string) (Birthday, error) {
	bad := &fault.Invalid{Fields: map[string]string{"birthday": "must be a date such as 1990-05-17, or a month and day such as 05-17"}}
	var parts []string
	for s != "" {
		i := 0
		for i < len(s) && s[i] != '-' {
			i++
		}
		parts = append(parts, s[:i])
		if i == len(s) {
			break
		}
		s = s[i+1:]
		if s == "" {
			return Birthday{}, bad
		}
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || p[0] == '+' || p[0] == '-' {
			return Birthday{}, bad
		}
		nums[i] = n
	}
	switch len(nums) {
	case 0:
		return Birthday{}, nil
	case 2:
		return Birthday{Month: nums[0], Day: nums[1]}, nil
	case 3:
		if len(parts[0]) != 4 {
			return Birthday{}, bad
		}
		return Birthday{Year: nums[0], Month: nums[1], Day: nums[2]}, nil
	}
	return Birthday{}, bad
}

// MinBirthYear is the earliest birth year accepted.
const MinBirthYear = 1900

// checkBirthday adds under "birthday" why b is not a real date: the month
// and day must exist in some year (2월 29일 does), and with a year the date
// must exist in that year and not be after today (Korean time).
func checkBirthday(v *fault.Invalid, b Birthday, now time.Time) {
	if b.IsZero() {
		return
	}
	if b.Month < 1 || b.Month > 12 || b.Day < 1 || b.Day > DaysIn(2000, time.Month(b.Month)) {
		v.Add("birthday", "is not a date that exists")
		return
	}
	if b.Year == 0 {
		return
	}
	today := now.In(kst.Zone)
	switch {
	case b.Year < MinBirthYear || b.Year > today.Year():
		v.Add("birthday", fmt.Sprintf("must have a year from %d to this year", MinBirthYear))
	case b.Day > DaysIn(b.Year, time.Month(b.Month)):
		v.Add("birthday", "is not a date that exists")
	case time.Date(b.Year, time.Month(b.Month), b.Day, 0, 0, 0, 0, kst.Zone).After(today):
		v.Add("birthday", "must not be in the future")
	}
}

// DaysIn is how many days month has in year.
func DaysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// birthYearColumn holds the encrypted birth year, bound to its user.
var birthYearColumn = crypt.Column{Table: "users", IDColumn: "id", Column: "birth_year_enc"}

// setBirthday stores b for userID on q, the year encrypted.
func (s *Service) setBirthday(ctx context.Context, q db.Querier, userID int64, b Birthday, now time.Time) error {
	var month, day any
	enc := ""
	if !b.IsZero() {
		month, day = b.Month, b.Day
		if b.Year != 0 {
			var err error
			if enc, err = birthYearColumn.Encrypt(s.opt.Keyring, userID, strconv.Itoa(b.Year)); err != nil {
				return fmt.Errorf("encrypt birth year: %w", err)
			}
		}
	}
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET birth_month = ?, birth_day = ?, birth_year_enc = ?, updated_at = ? WHERE id = ?`),
		month, day, enc, now, userID); err != nil {
		return fmt.Errorf("store birthday: %w", err)
	}
	return nil
}

// birthday is the Birthday of a scanned row.
func (s *Service) birthday(r userScan) (Birthday, error) {
	if !r.BirthMonth.Valid || !r.BirthDay.Valid {
		return Birthday{}, nil
	}
	b := Birthday{Month: int(r.BirthMonth.Int64), Day: int(r.BirthDay.Int64)}
	if r.BirthYearEnc != "" {
		y, err := birthYearColumn.Decrypt(s.opt.Keyring, r.ID, r.BirthYearEnc)
		if err != nil {
			return Birthday{}, fmt.Errorf("read user %d: birth year: %w", r.ID, err)
		}
		if b.Year, err = strconv.Atoi(y); err != nil {
			return Birthday{}, fmt.Errorf("read user %d: birth year: %w", r.ID, err)
		}
	}
	return b, nil
}

// birthScan are the birthday's columns of a users row.
type birthScan struct {
	BirthMonth   sql.NullInt64 `db:"birth_month"`
	BirthDay     sql.NullInt64 `db:"birth_day"`
	BirthYearEnc string        `db:"birth_year_enc"`
}
