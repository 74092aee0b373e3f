package media

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/db"
)

// Mentions collects which of a set of keys appear as media URLs
// (URLPrefix + key) in the texts handed to Scan. A media.Referrer reads its
// texts once per sweep batch and scans each, rather than searching every
// text once per key: the uploads that stay in use are asked about every
// hour, so the cost must not grow with their number times the texts'.
type Mentions struct {
	want  map[string]bool
	found []string
}

// NewMentions looks for keys.
func NewMentions(keys []string) *Mentions {
	m := &Mentions{want: make(map[string]bool, len(keys))}
	for _, k := range keys {
		m.want[k] = true
	}
	return m
}

// MentionPattern is a LIKE pattern (no ESCAPE needed: URLPrefix holds no
// wildcard) that matches the texts naming any media URL; referrers use it
// to read only those texts.
const MentionPattern = "%" + URLPrefix + "%"

// keyEnd is where a key in a URL ends: a quote, a tag's or an attribute's
// end, white space, the query, the fragment, or an escaped ampersand.
const keyEnd = "\"'<>() \t\r\n?#&"

// Scan marks the wanted keys whose URL appears in text.
func (m *Mentions) Scan(text string) {
	for len(m.want) > 0 {
		i := strings.Index(text, URLPrefix)
		if i < 0 {
			return
		}
		text = text[i+len(URLPrefix):]
		end := strings.IndexAny(text, keyEnd)
		if end < 0 {
			end = len(text)
		}
		if k := text[:end]; m.want[k] {
			delete(m.want, k)
			m.found = append(m.found, k)
		}
		text = text[end:]
	}
}

// All reports whether every wanted key has been found, so a caller can stop
// reading.
func (m *Mentions) All() bool { return len(m.want) == 0 }

// Found returns the keys found so far, in the order they were found.
func (m *Mentions) Found() []string { return m.found }

// ScanQuery runs query, whose rows hold one text column (NULL allowed), and
// scans each row until every key is found.
func (m *Mentions) ScanQuery(ctx context.Context, q db.Querier, query string, args ...any) error {
	if m.All() {
		return nil
	}
	rows, err := q.QueryxContext(ctx, q.Rebind(query), args...)
	if err != nil {
		return fmt.Errorf("find media mentions: %w", err)
	}
	defer rows.Close()
	for rows.Next() && !m.All() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("find media mentions: %w", err)
		}
		m.Scan(s.String)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find media mentions: %w", err)
	}
	return nil
}
