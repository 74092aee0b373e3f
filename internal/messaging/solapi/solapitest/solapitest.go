// Package solapitest is a local fake of SOLAPI's message API
// (https://api.solapi.com), for tests of the solapi adapter and of anything
// that sends 알림톡 through it. It speaks the documented API (decision 0067):
//
//   - POST /messages/v4/send with {"message": {to, from, text, type,
//     subject, kakaoOptions: {pfId, templateId, variables, disableSms}}};
//   - the Authorization header "HMAC-SHA256 apiKey=…, date=…, salt=…,
//     signature=…", where signature is the hex HMAC-SHA256 of date + salt
//     under the API secret. An unknown key is 403 InvalidAPIKey, a wrong
//     signature 403 SignatureDoesNotMatch, a date more than 15 minutes from
//     the fake's clock 403 RequestTimeTooSkewed, a signature used again
//     within 15 minutes 403 DuplicatedSignature, all with the documented
//     {"errorCode", "errorMessage"} body;
//   - an accepted message answers 200 with groupId, messageId, accountId,
//     to, from, type, country and statusCode "2000" (정상 접수).
//
// Assumptions beyond the documentation, kept here so they are easy to
// revisit: a salt outside 12–64 bytes is 403 SignatureDoesNotMatch; a
// missing or bad field (no to or from, a from number not registered, a
// text too long, an unknown channel or template, a template variable
// missing) is 400 ValidationError; FailNext answers 500 InternalError and
// sends nothing.
//
// Tests read what was accepted with Messages and break the next call with
// FailNext (fake.Faults); Calls counts the calls.
package solapitest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fake"
)

// The keys, sending number and Kakao channel the fake accepts.
const (
	APIKey    = "NCSFAKEKEY000001"
	APISecret = "FAKESECRETFAKESECRETFAKESECRET01"
	// Sender is the sending number registered with the fake.
	Sender = "0212345678"
	// PfID is the Kakao channel linked to the fake account.
	PfID = "KA01PF0000000000000000FAKE"
)

// SendPath is the path of the send call, for FailNext and Calls.
const SendPath = "/messages/v4/send"

// skew is how far a request's date may be from the server's clock, and how
// long a signature stays used.
const skew = 15 * time.Minute

// Message is a message the fake accepted, as the request gave it.
type Message struct {
	ID         string
	Type       string // "ATA", "SMS", "LMS"
	To, From   string
	Text       string
	Subject    string
	PfID       string
	TemplateID string
	Variables  map[string]string
	// DisableSms is kakaoOptions.disableSms: true means no text in the
	// 알림톡's place.
	DisableSms bool
}

// Server is a running fake; its methods are safe for concurrent use.
type Server struct {
	fake.Faults
	srv *httptest.Server
	now func() time.Time

	mu        sync.Mutex           // guards the fields below
	templates map[string][]string  // template code → its variables
	used      map[string]time.Time // signatures → when used
	accepted  []Message
	seq       int
}

// NewServer starts a fake on 127.0.0.1 that reads the time from now (the
// request's date is checked against it). Close it when done.
func NewServer(now func() time.Time) *Server {
	s := &Server{now: now, templates: map[string][]string{}, used: map[string]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+SendPath, s.send)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{"NotFound", "Not Found"})
	})
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the base URL for the adapter's Config.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() {
	s.Faults.Close()
	s.srv.Close()
}

// Template registers an approved 알림톡 template with its variables
// ("#{주문번호}", …): a message naming it must give every one.
func (s *Server) Template(code string, variables ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates[code] = slices.Clone(variables)
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.accepted)
}

type apiError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
}

type sendRequest struct {
	Message *struct {
		To           string `json:"to"`
		From         string `json:"from"`
		Text         string `json:"text"`
		Type         string `json:"type"`
		Subject      string `json:"subject"`
		KakaoOptions *struct {
			PfID       string            `json:"pfId"`
			TemplateID string            `json:"templateId"`
			Variables  map[string]string `json:"variables"`
			DisableSms bool              `json:"disableSms"`
		} `json:"kakaoOptions"`
	} `json:"message"`
}

// send is POST /messages/v4/send.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	c := s.Arrive(r.URL.Path)
	defer c.Done()
	if c.Fail != 0 {
		writeJSON(w, c.Fail, apiError{"InternalError", "내부 오류가 발생했습니다."})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if status, e := s.authorize(r.Header.Get("Authorization")); status != 0 {
		writeJSON(w, status, e)
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req sendRequest
	if err != nil || json.Unmarshal(raw, &req) != nil || req.Message == nil {
		writeJSON(w, http.StatusBadRequest, apiError{"ValidationError", "message 항목이 필요합니다."})
		return
	}
	m := req.Message
	got := Message{Type: m.Type, To: m.To, From: m.From, Text: m.Text, Subject: m.Subject}
	invalid := func(msg string) { writeJSON(w, http.StatusBadRequest, apiError{"ValidationError", msg}) }
	switch {
	case !digits(m.To):
		invalid("수신번호(to)를 확인하세요.")
		return
	case m.From != Sender:
		invalid("발신번호(from)가 등록되어 있지 않습니다.")
		return
	}
	if k := m.KakaoOptions; k != nil {
		got.PfID, got.TemplateID, got.Variables, got.DisableSms = k.PfID, k.TemplateID, k.Variables, k.DisableSms
	}
	switch m.Type {
	case "ATA":
		vars, ok := s.templates[got.TemplateID]
		switch {
		case got.PfID != PfID:
			invalid("연동되지 않은 카카오톡 채널(pfId)입니다.")
			return
		case !ok:
			invalid("승인된 알림톡 템플릿(templateId)이 아닙니다.")
			return
		}
		for _, v := range vars {
			if _, ok := got.Variables[v]; !ok {
				invalid(fmt.Sprintf("템플릿 변수 %s의 값이 없습니다.", v))
				return
			}
		}
	case "SMS", "LMS":
		if strings.TrimSpace(m.Text) == "" || utf8.RuneCountInString(m.Text) > 1000 {
			invalid("메시지 내용(text)은 1자 이상 1,000자 이하여야 합니다.")
			return
		}
		if m.Type == "SMS" && eucKRLen(m.Text) > 90 {
			invalid("단문(SMS)은 90바이트까지 보낼 수 있습니다.")
			return
		}
	default:
		invalid("메시지 타입(type)을 확인하세요.")
		return
	}
	s.seq++
	got.ID = fmt.Sprintf("M4V2026FAKE%08d", s.seq)
	s.accepted = append(s.accepted, got)
	writeJSON(w, http.StatusOK, map[string]string{
		"groupId": fmt.Sprintf("G4V2026FAKE%08d", s.seq), "messageId": got.ID, "accountId": "12925149",
		"statusMessage": "정상 접수(이통사로 접수 예정) ", "statusCode": "2000",
		"to": m.To, "from": m.From, "type": m.Type, "country": "82",
	})
}

// authorize checks the documented HMAC header against the fake's key and
// clock; mu is held. It returns 0 when the request may go on.
func (s *Server) authorize(h string) (int, apiError) {
	method, params, _ := strings.Cut(h, " ")
	fields := map[string]string{}
	for _, p := range strings.Split(params, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		fields[k] = v
	}
	now := s.now()
	for sig, at := range s.used {
		if now.Sub(at) > skew {
			delete(s.used, sig)
		}
	}
	date, err := time.Parse(time.RFC3339, fields["date"])
	salt := fields["salt"]
	mac := hmac.New(sha256.New, []byte(APISecret))
	mac.Write([]byte(fields["date"] + salt))
	want := hex.EncodeToString(mac.Sum(nil))
	switch {
	case method != "HMAC-SHA256" || subtle.ConstantTimeCompare([]byte(fields["apiKey"]), []byte(APIKey)) != 1:
		return http.StatusForbidden, apiError{"InvalidAPIKey", "유효하지 않은 API Key입니다."}
	case err != nil || date.Sub(now) > skew || now.Sub(date) > skew:
		return http.StatusForbidden, apiError{"RequestTimeTooSkewed", "요청 시간이 서버 시간과 15분 이상 차이가 납니다."}
	case len(salt) < 12 || len(salt) > 64 ||
		subtle.ConstantTimeCompare([]byte(strings.ToLower(fields["signature"])), []byte(want)) != 1:
		return http.StatusForbidden, apiError{"SignatureDoesNotMatch", "생성한 signature를 확인하세요."}
	}
	if _, dup := s.used[want]; dup {
		return http.StatusForbidden, apiError{"DuplicatedSignature", "15분 안에 같은 signature가 사용되었습니다."}
	}
	s.used[want] = now
	return 0, apiError{}
}

// digits reports whether s is 9 to 12 digits.
func digits(s string) bool {
	if len(s) < 9 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// eucKRLen is the length of s in EUC-KR as carriers count it: one byte
// for ASCII, two for anything else.
func eucKRLen(s string) int {
	n := 0
	for _, r := range s {
		if r < 0x80 {
			n++
		} else {
			n += 2
		}
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
