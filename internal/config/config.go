// Package config reads Mallang's configuration from environment variables
// once, at start, and validates it. Every other package receives typed values
// from app; nothing reads the environment anywhere else.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/security"
)

// Config is the validated configuration of one process.
type Config struct {
	// Addr is the host:port the HTTP server listens on (MALLANG_ADDR).
	Addr string
	// DataDir holds the SQLite file, the secret key and local media (MALLANG_DATA_DIR).
	DataDir string
	// DatabaseURL is "sqlite:PATH" or "postgres://…" (MALLANG_DATABASE_URL).
	DatabaseURL string
	// DBMaxConns caps the connections to the database, or SQLite's read
	// connections (MALLANG_DB_MAX_CONNS); 0 picks the engine's default.
	DBMaxConns int
	// BaseURL is the public address of the shop, without a trailing slash (MALLANG_BASE_URL).
	BaseURL string
	// BlobURL is the media bucket: file://, s3:// or mem:// (MALLANG_BLOB_URL).
	BlobURL string
	// SecretKey signs and encrypts; 32 bytes or more (MALLANG_SECRET_KEY).
	SecretKey []byte
	// LogLevel and LogFormat shape the structured log (MALLANG_LOG_LEVEL, MALLANG_LOG_FORMAT).
	LogLevel  slog.Level
	LogFormat string
	// Seed decides whether serve loads the demo catalog into an empty database (MALLANG_DEMO).
	Seed bool
	// EncryptionKeys is the keyring spec for personal data ("k2:hex,k1:hex",
	// newest first) (MALLANG_ENCRYPTION_KEYS); empty derives one key from
	// SecretKey.
	EncryptionKeys string
	// AdminPath is where the back office lives, "/" + letters, digits, '-'
	// or '_' (MALLANG_ADMIN_PATH); the default is derived from SecretKey so
	// it differs per shop and is not guessable.
	AdminPath string
	// SMTP delivers mail when SMTP.Host is set (MALLANG_SMTP_*); otherwise
	// mail stops in the outbox table.
	SMTP SMTP
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (MALLANG_TRUSTED_PROXIES), comma-separated addresses or CIDR
	// prefixes; empty trusts none.
	TrustedProxies string
	// OrderPayWithin is how long a placed order waits for payment before
	// the hourly job cancels it and its stock comes back
	// (MALLANG_ORDER_PAY_WITHIN, a Go duration such as 1h or 90m).
	OrderPayWithin time.Duration
	// OrderConfirmAfter is how long after delivery the hourly job confirms
	// an order its customer has not confirmed (자동 구매확정), crediting
	// its points (MALLANG_ORDER_CONFIRM_AFTER_DAYS, 1–60 days).
	OrderConfirmAfter time.Duration
	// ReturnFee is the return shipping, round trip, in won, that a customer
	// pays when they send goods back for a change of mind; it is withheld
	// from the refund (MALLANG_RETURN_FEE, 0–100000).
	ReturnFee int64
	// StaffEmail receives the staff's notices, such as a new return request
	// (MALLANG_STAFF_EMAIL); empty sends them to the SMTP From address.
	StaffEmail string
	// Tracker is the parcel-tracking service the hourly job asks about
	// shipped orders (MALLANG_TRACKER_CLIENT_ID, MALLANG_TRACKER_CLIENT_SECRET,
	// MALLANG_TRACKER_URL); without an id staff mark deliveries by hand.
	Tracker Tracker
	// Social holds the sign-in providers with a client id
	// (MALLANG_GOOGLE_*, MALLANG_KAKAO_*, MALLANG_NAVER_*).
	Social []SocialProvider
	// Payments are the ways to pay (MALLANG_TESTPAY, MALLANG_BANK_*,
	// MALLANG_TOSS_*, MALLANG_KAKAOPAY_*, MALLANG_PAYPAL_*, MALLANG_PORTONE_*).
	Payments Payments
	// Messaging holds the 알림톡 provider's keys (MALLANG_SOLAPI_*).
	Messaging Messaging
}

// SMTP is the mail server configuration.
type SMTP struct {
	Host, Username, Password, From, TLS string
	Port                                int
}

// SocialProvider is one social sign-in provider. The URL fields are empty
// for the provider's real endpoints and set to point at a staging or test
// server.
type SocialProvider struct {
	Name, ClientID, ClientSecret          string
	AuthURL, TokenURL, ProfileURL, Issuer string
}

// Error is a configuration problem; its message names the variable.
type Error struct {
	Var string
	Msg string
}

// Tracker holds the credentials of Delivery Tracker (tracker.delivery),
// from its console; URL is its GraphQL endpoint when not the default.
type Tracker struct {
	ClientID, ClientSecret, URL string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Lookup is how Load reads a variable; os.LookupEnv in main, a map in tests.
type Lookup func(key string) (string, bool)

// Load reads and validates the configuration. It creates the data directory
// and, when MALLANG_SECRET_KEY is not given, a secret key file inside it that
// later starts reuse.
func Load(env Lookup) (Config, error) {
	get := func(k, def string) string {
		if v, ok := env(k); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	var c Config

	c.Addr = get("MALLANG_ADDR", "127.0.0.1:8080")
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return c, &Error{"MALLANG_ADDR", fmt.Sprintf("%q is not host:port (for example 127.0.0.1:8080 or :8080)", c.Addr)}
	}

	dir, err := filepath.Abs(get("MALLANG_DATA_DIR", "data"))
	if err != nil {
		return c, &Error{"MALLANG_DATA_DIR", err.Error()}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return c, &Error{"MALLANG_DATA_DIR", fmt.Sprintf("cannot create %s: %v", dir, err)}
	}
	c.DataDir = dir

	c.DatabaseURL = get("MALLANG_DATABASE_URL", "sqlite:"+filepath.Join(dir, "mallang.db"))
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, &Error{"MALLANG_DATABASE_URL", "must start with sqlite: or postgres://"}
	}
	if v := get("MALLANG_DB_MAX_CONNS", ""); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > 1000 {
			return c, &Error{"MALLANG_DB_MAX_CONNS", fmt.Sprintf("%q is not a whole number from 2 to 1000", v)}
		}
		c.DBMaxConns = n
	}

	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	c.BaseURL = strings.TrimRight(get("MALLANG_BASE_URL", "http://"+net.JoinHostPort(host, port)), "/")
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, &Error{"MALLANG_BASE_URL", fmt.Sprintf("%q is not an http(s) URL", c.BaseURL)}
	}

	media := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "media")), RawQuery: "create_dir=true"}
	c.BlobURL = get("MALLANG_BLOB_URL", media.String())

	switch lv := strings.ToLower(get("MALLANG_LOG_LEVEL", "info")); lv {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return c, &Error{"MALLANG_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", lv)}
	}
	c.LogFormat = strings.ToLower(get("MALLANG_LOG_FORMAT", "text"))
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, &Error{"MALLANG_LOG_FORMAT", fmt.Sprintf("%q is not text or json", c.LogFormat)}
	}

	if c.Seed, err = boolVar(get, "MALLANG_DEMO", true); err != nil {
		return c, err
	}

	key, err := secretKey(get("MALLANG_SECRET_KEY", ""), dir)
	if err != nil {
		return c, err
	}
	c.SecretKey = key

	c.EncryptionKeys = get("MALLANG_ENCRYPTION_KEYS", "")
	c.TrustedProxies = get("MALLANG_TRUSTED_PROXIES", "")
	c.Tracker = Tracker{ClientID: get("MALLANG_TRACKER_CLIENT_ID", ""), ClientSecret: get("MALLANG_TRACKER_CLIENT_SECRET", ""),
		URL: get("MALLANG_TRACKER_URL", "")}
	switch {
	case c.Tracker.ClientID != "" && c.Tracker.ClientSecret == "":
		return c, &Error{"MALLANG_TRACKER_CLIENT_ID", "is set without MALLANG_TRACKER_CLIENT_SECRET; set both, or neither"}
	case c.Tracker.ClientID == "" && c.Tracker.ClientSecret != "":
		return c, &Error{"MALLANG_TRACKER_CLIENT_SECRET", "is set without MALLANG_TRACKER_CLIENT_ID; set both, or neither"}
	}
	payWithin := get("MALLANG_ORDER_PAY_WITHIN", "1h")
	if c.OrderPayWithin, err = time.ParseDuration(payWithin); err != nil || c.OrderPayWithin < 5*time.Minute || c.OrderPayWithin > 30*24*time.Hour {
		return c, &Error{"MALLANG_ORDER_PAY_WITHIN", fmt.Sprintf("%q is not a duration from 5m to 720h (for example 1h or 90m)", payWithin)}
	}
	confirmDays := get("MALLANG_ORDER_CONFIRM_AFTER_DAYS", "7")
	days, err := strconv.Atoi(confirmDays)
	if err != nil || days < 1 || days > 60 {
		return c, &Error{"MALLANG_ORDER_CONFIRM_AFTER_DAYS", fmt.Sprintf("%q is not a number of days from 1 to 60", confirmDays)}
	}
	c.OrderConfirmAfter = time.Duration(days) * 24 * time.Hour
	returnFee := get("MALLANG_RETURN_FEE", "6000")
	if c.ReturnFee, err = strconv.ParseInt(returnFee, 10, 64); err != nil || c.ReturnFee < 0 || c.ReturnFee > 100000 {
		return c, &Error{"MALLANG_RETURN_FEE", fmt.Sprintf("%q is not an amount of won from 0 to 100000", returnFee)}
	}
	c.StaffEmail = strings.TrimSpace(get("MALLANG_STAFF_EMAIL", ""))
	if _, err := security.ParseTrustedProxies(c.TrustedProxies); err != nil {
		return c, &Error{"MALLANG_TRUSTED_PROXIES", err.Error()}
	}
	c.AdminPath = get("MALLANG_ADMIN_PATH", defaultAdminPath(key))
	if !validAdminPath(c.AdminPath) {
		return c, &Error{"MALLANG_ADMIN_PATH", fmt.Sprintf("%q must be / followed by 4 to 64 letters, digits, - or _ (and not /admin, the honeypot)", c.AdminPath)}
	}

	c.SMTP = SMTP{
		Host: get("MALLANG_SMTP_HOST", ""), Username: get("MALLANG_SMTP_USERNAME", ""),
		Password: get("MALLANG_SMTP_PASSWORD", ""), From: get("MALLANG_SMTP_FROM", ""),
		TLS: strings.ToLower(get("MALLANG_SMTP_TLS", "starttls")),
	}
	if p := get("MALLANG_SMTP_PORT", ""); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, &Error{"MALLANG_SMTP_PORT", fmt.Sprintf("%q is not a port number", p)}
		}
		c.SMTP.Port = n
	}
	if c.SMTP.Host != "" {
		if c.SMTP.TLS != "starttls" && c.SMTP.TLS != "tls" && c.SMTP.TLS != "none" {
			return c, &Error{"MALLANG_SMTP_TLS", fmt.Sprintf("%q is not starttls, tls or none", c.SMTP.TLS)}
		}
		if c.SMTP.From == "" {
			return c, &Error{"MALLANG_SMTP_FROM", "is required with MALLANG_SMTP_HOST (for example: 말랑 <no-reply@shop.example>)"}
		}
	}

	for _, name := range []string{"google", "kakao", "naver"} {
		up := "MALLANG_" + strings.ToUpper(name) + "_"
		sp := SocialProvider{
			Name: name, ClientID: get(up+"CLIENT_ID", ""), ClientSecret: get(up+"CLIENT_SECRET", ""),
			AuthURL: get(up+"AUTH_URL", ""), TokenURL: get(up+"TOKEN_URL", ""), ProfileURL: get(up+"PROFILE_URL", ""), Issuer: get(up+"ISSUER", ""),
		}
		if sp.ClientID == "" {
			continue
		}
		if sp.ClientSecret == "" && name != "kakao" {
			return c, &Error{up + "CLIENT_SECRET", "is required with " + up + "CLIENT_ID"}
		}
		c.Social = append(c.Social, sp)
	}
	if err := loadPayments(get, &c); err != nil {
		return c, err
	}
	if err := loadMessaging(get, &c); err != nil {
		return c, err
	}
	return c, nil
}

// defaultAdminPath derives the back office's path from the secret key, so
// each shop's differs and cannot be guessed from the source.
func defaultAdminPath(key []byte) string {
	return "/manage-" + hex.EncodeToString(crypt.Derive(key, "mallang admin path"))[:10]
}

func validAdminPath(p string) bool {
	if len(p) < 5 || len(p) > 65 || p[0] != '/' || strings.EqualFold(p, "/admin") {
		return false
	}
	for _, r := range p[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	reserved := []string{"/api", "/account", "/auth", "/static", "/media", "/products", "/categories", "/search", "/signup", "/login", "/logout"}
	for _, r := range reserved {
		if strings.EqualFold(p, r) {
			return false
		}
	}
	return true
}

// Engine is "sqlite" or "postgres", from the database URL.
func (c Config) Engine() string {
	if strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		return "sqlite"
	}
	return "postgres"
}

func secretKey(given, dir string) ([]byte, error) {
	if given != "" {
		k, err := hex.DecodeString(given)
		if err != nil || len(k) < 32 {
			return nil, &Error{"MALLANG_SECRET_KEY", "must be at least 64 hex digits (32 bytes); make one with: openssl rand -hex 32"}
		}
		return k, nil
	}
	path := filepath.Join(dir, "secret.key")
	b, err := os.ReadFile(path)
	if err == nil {
		k, derr := hex.DecodeString(strings.TrimSpace(string(b)))
		if derr != nil || len(k) < 32 {
			return nil, &Error{"MALLANG_SECRET_KEY", fmt.Sprintf("the key file %s is damaged; remove it or set the variable", path)}
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, &Error{"MALLANG_SECRET_KEY", fmt.Sprintf("cannot read %s: %v", path, err)}
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("generate secret key: %w", err)
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, &Error{"MALLANG_SECRET_KEY", fmt.Sprintf("cannot write %s: %v", path, err)}
	}
	return k, nil
}
