package kakaopaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// call posts body to path with the given Authorization header and decodes
// the JSON answer.
func call(t *testing.T, s *Server, method, path, auth, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL()+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v", method, path, err)
	}
	return resp.StatusCode, out
}

const auth = "SECRET_KEY " + SecretKey

func readyBody(order string) string {
	return fmt.Sprintf(`{"cid":%q,"partner_order_id":%q,"partner_user_id":"u1","item_name":"양말",
		"quantity":1,"total_amount":3000,"tax_free_amount":0,
		"approval_url":"https://a.example/ok","cancel_url":"https://a.example/cancel","fail_url":"https://a.example/fail"}`,
		CID, order)
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	tests := []struct {
		name       string
		auth       string
		wantStatus int
		wantCode   float64 // error_code; 0 for success
	}{
		{"right key", auth, 200, 0},
		{"no header", "", 401, CodeInvalidKey},
		{"wrong key", "SECRET_KEY DEVOTHER", 401, CodeInvalidKey},
		{"legacy scheme", "KakaoAK " + SecretKey, 401, CodeInvalidKey},
		{"scheme in lower case", "secret_key " + SecretKey, 401, CodeInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, s, http.MethodPost, ReadyPath, tt.auth, readyBody("ord-"+tt.name))
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d (%v)", status, tt.wantStatus, body)
			}
			if tt.wantCode != 0 {
				if body["error_code"] != tt.wantCode || body["error_message"] == "" {
					t.Fatalf("body %v, want error_code %v with a message", body, tt.wantCode)
				}
			} else if tid, _ := body["tid"].(string); len(tid) != 20 {
				t.Fatalf("tid %q, want 20 characters", tid)
			}
		})
	}
}

func TestReadyChecksParameters(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	tests := []struct {
		name string
		body string
	}{
		{"not JSON", `cid=TC0ONETIME`},
		{"wrong cid", `{"cid":"TCOTHER000","partner_order_id":"o","partner_user_id":"u","item_name":"i","quantity":1,"total_amount":1000,"tax_free_amount":0,"approval_url":"a","cancel_url":"c","fail_url":"f"}`},
		{"no tax_free_amount", `{"cid":"TC0ONETIME","partner_order_id":"o","partner_user_id":"u","item_name":"i","quantity":1,"total_amount":1000,"approval_url":"a","cancel_url":"c","fail_url":"f"}`},
		{"tax-free above total", `{"cid":"TC0ONETIME","partner_order_id":"o","partner_user_id":"u","item_name":"i","quantity":1,"total_amount":1000,"tax_free_amount":2000,"approval_url":"a","cancel_url":"c","fail_url":"f"}`},
		{"no item name", `{"cid":"TC0ONETIME","partner_order_id":"o","partner_user_id":"u","quantity":1,"total_amount":1000,"tax_free_amount":0,"approval_url":"a","cancel_url":"c","fail_url":"f"}`},
		{"no fail_url", `{"cid":"TC0ONETIME","partner_order_id":"o","partner_user_id":"u","item_name":"i","quantity":1,"total_amount":1000,"tax_free_amount":0,"approval_url":"a","cancel_url":"c"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := call(t, s, http.MethodPost, ReadyPath, auth, tt.body)
			if status != http.StatusBadRequest || body["error_code"] != float64(CodeBadRequest) {
				t.Fatalf("answer %d %v, want 400 with error_code %d", status, body, CodeBadRequest)
			}
		})
	}
}

func TestControls(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	if q := s.Approve("T0000000000000000000"); q != nil {
		t.Fatalf("Approve of an unknown tid = %v, want nil", q)
	}
	_, body := call(t, s, http.MethodPost, ReadyPath, auth, readyBody("ord-controls"))
	tid := body["tid"].(string)
	q := s.Approve(tid)
	if len(q.Get("pg_token")) != 20 {
		t.Fatalf("Approve = %v, want a 20-character pg_token", q)
	}
	if again := s.Approve(tid); again != nil {
		t.Fatalf("second Approve = %v, want nil: the buyer is done", again)
	}
	s.Quit(tid) // too late: the buyer approved
	if p, _ := s.Payment(tid); p.Status != statusAuthPassword {
		t.Fatalf("status %s after a late Quit, want %s", p.Status, statusAuthPassword)
	}
	if status, _ := call(t, s, http.MethodGet, OrderPath, auth, ""); status != http.StatusMethodNotAllowed {
		t.Fatalf("GET answered %d, want 405", status)
	}
	s.FailNext(OrderPath, http.StatusServiceUnavailable)
	order := fmt.Sprintf(`{"cid":%q,"tid":%q}`, CID, tid)
	if status, body := call(t, s, http.MethodPost, OrderPath, auth, order); status != 503 || body["error_code"] != float64(CodeInternal) {
		t.Fatalf("failed call answered %d %v, want 503 with error_code %d", status, body, CodeInternal)
	}
	if status, body := call(t, s, http.MethodPost, OrderPath, auth, order); status != 200 || body["status"] != statusAuthPassword {
		t.Fatalf("call after the failure answered %d %v, want 200 %s", status, body, statusAuthPassword)
	}
	if n := s.Calls(OrderPath); n != 3 {
		t.Fatalf("Calls(order) = %d, want 3", n)
	}
}

// Many buyers at once: run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	const n = 20
	var wg sync.WaitGroup
	tids := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			status, body := call(t, s, http.MethodPost, ReadyPath, auth, readyBody(fmt.Sprintf("ord-%d", i)))
			if status != 200 {
				t.Errorf("ready %d: %d %v", i, status, body)
				return
			}
			tid := body["tid"].(string)
			s.Approve(tid)
			s.Calls(ReadyPath)
			tids <- tid
		})
	}
	wg.Wait()
	close(tids)
	seen := map[string]bool{}
	for tid := range tids {
		if seen[tid] {
			t.Fatalf("tid %s handed out twice", tid)
		}
		seen[tid] = true
		if p, ok := s.Payment(tid); !ok || p.Status != statusAuthPassword {
			t.Fatalf("payment %s: %+v, want %s", tid, p, statusAuthPassword)
		}
	}
	if len(seen) != n || s.Calls(ReadyPath) != n {
		t.Fatalf("%d payments, %d ready calls; want %d each", len(seen), s.Calls(ReadyPath), n)
	}
}
