package dump

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// encode turns a value read from the source database into what the file
// holds for a column of kind k: a JSON number, string, boolean or null.
// Times become RFC 3339 in UTC to the microsecond (db.TimePrecision, what
// both engines store; a SQLite file written before may hold nanoseconds,
// which PostgreSQL could not give back) and bytes become base64.
func encode(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && k != kindBytes {
		v = string(b)
	}
	switch k {
	case kindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return n, nil
			}
		}
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case float64:
			return x != 0, nil
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
				return b, nil
			}
		}
	case kindTime:
		switch x := v.(type) {
		case time.Time:
			return formatTime(x), nil
		case string:
			t, err := db.ParseTime(strings.TrimSpace(x))
			if err != nil {
				return nil, err
			}
			return formatTime(t), nil
		}
	case kindBytes:
		switch x := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(x), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(x)), nil
		}
	case kindFloat:
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return strconv.FormatFloat(x, 'g', -1, 64), nil
			}
			return x, nil
		case int64:
			return float64(x), nil
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return f, nil
			}
		}
	default: // text, json, numeric: as text
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		case time.Time:
			return formatTime(x), nil
		}
	}
	return nil, fmt.Errorf("a %T value (%v) does not fit a %s column", v, v, k)
}

// formatTime is a time as the file holds it.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(db.TimePrecision).Format(time.RFC3339Nano)
}

// decode turns a value from the file (decoded with UseNumber), written for
// a column of kind from, into an argument for a target column of kind k. The
// target's declared type decides, so a boolean from SQLite's 0/1 becomes
// true/false for PostgreSQL and back.
func decode(from, k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && (from == kindBytes) != (k == kindBytes) {
		// Bytes meet text: the text is the bytes.
		if from == kindBytes {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("bad base64: %w", err)
			}
			v = string(b)
		} else {
			return []byte(s), nil
		}
	}
	switch k {
	case kindInt:
		switch x := v.(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil {
				return n, nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		}
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case json.Number:
			return x.String() != "0", nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
	case kindTime:
		if s, ok := v.(string); ok {
			return db.ParseTime(strings.TrimSpace(s))
		}
	case kindBytes:
		if s, ok := v.(string); ok {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("bad base64: %w", err)
			}
			return b, nil
		}
	case kindFloat:
		switch x := v.(type) {
		case json.Number:
			return x.Float64()
		case string:
			return strconv.ParseFloat(x, 64)
		}
	default: // text, json, numeric
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
	}
	return nil, fmt.Errorf("the value %v does not fit a %s column", v, k)
}
