package backoffice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mallang/mallang/internal/audit"
)

// The audit log shows each entry in words: the action's name ("주문 상태
// 변경"), what it was done to ("주문 42") and its detail as "항목: 값"
// pairs. The action's code stays in a data attribute; the filter offers the
// actions by name.

// auditEntryView is one audit entry as the log shows it.
type auditEntryView struct {
	audit.Entry
	Name   string // the action in the page's language
	Target string // what it was done to, or ""
	Detail string // the detail in words, or ""
}

// auditView words es in the language of m.
func auditView(m *messages, es []audit.Entry) []auditEntryView {
	out := make([]auditEntryView, 0, len(es))
	for _, e := range es {
		v := auditEntryView{Entry: e, Name: auditActionName(m, e.Action)}
		if e.TargetType != "" {
			v.Target = strings.TrimSpace(lookup(m, "audit.t.", e.TargetType, m.T("audit.t.other")) + " " + e.TargetID)
		}
		v.Detail = auditDetail(m, e.Detail)
		out = append(out, v)
	}
	return out
}

// auditActionName is the name of action: its own text when there is one,
// or else the name of its subject ("주문") and a general word ("관련
// 작업"), so a new action never shows its code.
func auditActionName(m *messages, action string) string {
	if s, ok := m.text["audit.a."+action]; ok {
		return s
	}
	noun, _, _ := strings.Cut(action, ".")
	return m.F("audit.a.other", lookup(m, "audit.t.", noun, m.T("audit.t.other")))
}

// auditDetail writes d as "항목: 값" pairs sorted by key. Keys without a
// name of their own show their value alone; values that are order states
// show the state's name.
func auditDetail(m *messages, d map[string]any) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		val := detailValue(m, d[k])
		if val == "" {
			continue
		}
		if name, ok := m.text["audit.k."+k]; ok {
			parts = append(parts, name+": "+val)
		} else {
			parts = append(parts, val)
		}
	}
	return strings.Join(parts, " · ")
}

// detailValue writes one detail value: a state by its name, a list joined
// with commas, a number as it is.
func detailValue(m *messages, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		for _, prefix := range []string{"status.", "role.", "perm."} {
			if s, ok := m.text[prefix+x]; ok {
				return s
			}
		}
		return x
	case bool:
		if x {
			return m.T("audit.yes")
		}
		return m.T("audit.no")
	case float64:
		return fmt.Sprintf("%v", x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, detailValue(m, e))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// lookup is the text of prefix+key, or fallback when there is none.
func lookup(m *messages, prefix, key, fallback string) string {
	if s, ok := m.text[prefix+key]; ok {
		return s
	}
	return fallback
}

// auditAction is an action the filter offers.
type auditAction struct{ Code, Name string }

// auditActions are the named actions, sorted by name, and current (the
// filter's value) when it is not one of them.
func auditActions(m *messages, current string) []auditAction {
	var out []auditAction
	found := current == ""
	for k, v := range m.text {
		code, ok := strings.CutPrefix(k, "audit.a.")
		if !ok || code == "other" {
			continue
		}
		out = append(out, auditAction{Code: code, Name: v})
		found = found || code == current
	}
	if !found {
		out = append(out, auditAction{Code: current, Name: auditActionName(m, current)})
	}
	slices.SortFunc(out, func(a, b auditAction) int { return strings.Compare(a.Name, b.Name) })
	return out
}
