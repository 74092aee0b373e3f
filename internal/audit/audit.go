// Package audit keeps the log of what staff did in the back office: who
// (user id and the email address at that time), what (an action name such as
// "user.role_changed", its target and a small JSON detail), when, and from
// where (IP and user agent).
//
// An entry is written with the caller's Querier, inside the transaction of
// the action it describes, so the log never claims an action that rolled
// back and never misses one that committed: the service that makes a change
// takes the Actor and records the entry (Actor.Entry) itself.
package audit

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// Limits of an entry. Longer actions and details are refused (they are
// written by code, so a long one is a bug); longer user agents, addresses
// and emails are cut, since they come from the request.
const (
	MaxAction      = 100     // characters
	MaxTarget      = 200     // characters, for the target type and id
	MaxDetailBytes = 8 << 10 // bytes of the detail encoded as JSON
	maxUserAgent   = 300     // characters
	maxIP          = 64      // characters
	maxEmail       = 320     // characters
)

// Entry is one staff action.
type Entry struct {
	// ID is set by the database; Record ignores it.
	ID int64
	// ActorID is the staff user who acted, 0 for the system (a job, a
	// command). It becomes 0 in entries read back after the user row is
	// deleted; ActorEmail still names them.
	ActorID int64
	// ActorEmail is the actor's email address when they acted.
	ActorEmail string
	// Action names what was done, as "noun.past_participle":
	// "user.role_changed", "honeypot.block_cleared". Required, at most
	// MaxAction characters.
	Action string
	// TargetType and TargetID name what the action was done to ("user",
	// "42"); both may be empty. The id is text so that targets without a
	// numeric id (an IP address, a setting) fit.
	TargetType string
	TargetID   string
	// Detail holds small facts about the action ({"from": "customer", "to":
	// "staff"}). It must encode to JSON in at most MaxDetailBytes. Read back,
	// numbers are json.Number, so ids keep every digit.
	Detail map[string]any
	// IP and UserAgent say where the actor acted from.
	IP        string
	UserAgent string
	// CreatedAt is when the entry was recorded, in UTC; Record sets it.
	CreatedAt time.Time
}

// prepare cuts the request fields to size, checks the rest and returns the
// detail as JSON.
func (e *Entry) prepare() (string, error) {
	e.ActorEmail = clean(e.ActorEmail, maxEmail)
	e.IP = clean(e.IP, maxIP)
	e.UserAgent = clean(e.UserAgent, maxUserAgent)

	var v fault.Invalid
	switch n := utf8.RuneCountInString(e.Action); {
	case strings.TrimSpace(e.Action) == "":
		v.Add("action", "is required")
	case n > MaxAction:
		v.Add("action", fmt.Sprintf("must be at most %d characters", MaxAction))
	}
	if e.ActorID < 0 {
		v.Add("actor_id", "must not be negative")
	}
	if utf8.RuneCountInString(e.TargetType) > MaxTarget {
		v.Add("target_type", fmt.Sprintf("must be at most %d characters", MaxTarget))
	}
	if utf8.RuneCountInString(e.TargetID) > MaxTarget {
		v.Add("target_id", fmt.Sprintf("must be at most %d characters", MaxTarget))
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		switch {
		case err != nil:
			v.Add("detail", "must be encodable as JSON")
		case len(b) > MaxDetailBytes:
			v.Add("detail", fmt.Sprintf("must be at most %d bytes as JSON", MaxDetailBytes))
		default:
			detail = b
		}
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return string(detail), nil
}

// clean makes s valid UTF-8 without NUL bytes (PostgreSQL refuses both in
// text) and cuts it to at most n characters.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// Actor is who performs an audited change: the staff member signed in to
// the back office, by user id and email address at that time, with the
// address and user agent they acted from. The zero Actor is the system (a
// job, a command). Services that change something take an Actor and write
// its entry in their own transaction (Entry builds it).
type Actor struct {
	UserID    int64
	Email     string
	IP        string
	UserAgent string
}

// Entry returns the entry of a's action on the target (targetType and
// targetID, both may be empty) with detail, its actor fields set from a.
func (a Actor) Entry(action, targetType, targetID string, detail map[string]any) Entry {
	return Entry{ActorID: a.UserID, ActorEmail: a.Email, IP: a.IP, UserAgent: a.UserAgent,
		Action: action, TargetType: targetType, TargetID: targetID, Detail: detail}
}

// Filter narrows List. Zero fields do not filter.
type Filter struct {
	ActorID int64
	Action  string
	// Limit is the page size: 50 when 0 or less, at most 200.
	Limit int
	// Offset is how many entries to skip; negative counts as 0.
	Offset int
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

func (f Filter) page() (limit, offset int) {
	limit, offset = f.Limit, max(0, f.Offset)
	if limit <= 0 {
		limit = defaultLimit
	}
	return min(limit, maxLimit), offset
}
