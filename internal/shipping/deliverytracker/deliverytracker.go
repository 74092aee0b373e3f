// Package deliverytracker asks Delivery Tracker (tracker.delivery), a
// public tracking service for Korean carriers with a documented GraphQL
// API, whether a parcel has been delivered. The shop polls it for shipped
// orders and marks them delivered (decision 0038).
//
// The API: POST {endpoint} with `Authorization: TRACKQL-API-KEY
// {client id}:{client secret}` and a GraphQL body; errors come in the
// body's errors[].extensions.code (UNAUTHENTICATED, FORBIDDEN, INTERNAL,
// BAD_REQUEST, NOT_FOUND), also with HTTP 200. track(carrierId,
// trackingNumber).lastEvent is the most likely latest event; its
// status.code is DELIVERED once the parcel is delivered, whatever order
// the carrier's events came in.
package deliverytracker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// DefaultEndpoint is the service's GraphQL endpoint.
const DefaultEndpoint = "https://apis.tracker.delivery/graphql"

// carrierIDs maps the shop's carrier codes (the carriers table) to the
// service's carrier ids. A carrier staff add under another code is not
// tracked; staff mark its parcels delivered by hand.
var carrierIDs = map[string]string{
	"cj":     "kr.cjlogistics",
	"hanjin": "kr.hanjin",
	"lotte":  "kr.lotte",
	"epost":  "kr.epost",
	"logen":  "kr.logen",
}

// ErrUnknownCarrier means the shop's carrier code has no counterpart at
// the service. It is a fault.ErrNotFound: nothing to track.
var ErrUnknownCarrier = fmt.Errorf("carrier not tracked by Delivery Tracker: %w", fault.ErrNotFound)

// ErrNotFound means the service knows no such parcel (yet): a number
// registered with the carrier minutes ago, or mistyped by staff. It is a
// fault.ErrNotFound.
var ErrNotFound = fmt.Errorf("parcel not found at Delivery Tracker: %w", fault.ErrNotFound)

// Error is an error the service answered, with its code.
type Error struct {
	Code    string // ErrorCode: UNAUTHENTICATED, FORBIDDEN, INTERNAL, BAD_REQUEST, NOT_FOUND
	Message string
}

func (e *Error) Error() string { return "delivery tracker: " + e.Code + ": " + e.Message }

// Config is the client's credentials (from the service's console) and,
// in tests, the fake's endpoint.
type Config struct {
	ClientID, ClientSecret string
	Endpoint               string // DefaultEndpoint when empty
	// HTTP is the client requests go through; its timeout bounds each
	// request (the service recommends up to 15 seconds).
	HTTP *http.Client
}

// Client asks the service. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New returns a client; ClientID and ClientSecret are required.
func New(cfg Config) (*Client, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("delivery tracker: client id and secret are required")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	return &Client{cfg: cfg}, nil
}

// trackQuery asks only for the last event, which is all delivery needs.
const trackQuery = `query Track($carrierId: ID!, $trackingNumber: String!) {
  track(carrierId: $carrierId, trackingNumber: $trackingNumber) {
    lastEvent { time status { code } description }
  }
}`

type trackResponse struct {
	Data *struct {
		Track *struct {
			LastEvent *struct {
				Time   string `json:"time"`
				Status struct {
					Code string `json:"code"`
				} `json:"status"`
				Description string `json:"description"`
			} `json:"lastEvent"`
		} `json:"track"`
	} `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

// Delivered reports whether the parcel trackingNumber of the shop's
// carrier carrierCode is delivered, and when by the carrier's clock.
// ErrUnknownCarrier, ErrNotFound, or *Error for what the service refused.
func (c *Client) Delivered(ctx context.Context, carrierCode, trackingNumber string) (time.Time, bool, error) {
	id, ok := carrierIDs[carrierCode]
	if !ok {
		return time.Time{}, false, fmt.Errorf("%q: %w", carrierCode, ErrUnknownCarrier)
	}
	body, err := json.Marshal(map[string]any{"query": trackQuery,
		"variables": map[string]string{"carrierId": id, "trackingNumber": trackingNumber}})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("delivery tracker: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Endpoint, bytes.NewReader(body))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("delivery tracker: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "TRACKQL-API-KEY "+c.cfg.ClientID+":"+c.cfg.ClientSecret)
	res, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("delivery tracker: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("delivery tracker: read answer: %w", err)
	}
	var tr trackResponse
	if err := json.Unmarshal(raw, &tr); err != nil {
		return time.Time{}, false, fmt.Errorf("delivery tracker: HTTP %d, not a GraphQL answer: %w", res.StatusCode, err)
	}
	if len(tr.Errors) > 0 {
		e := tr.Errors[0]
		if e.Extensions.Code == "NOT_FOUND" {
			return time.Time{}, false, fmt.Errorf("%s %s: %w", carrierCode, trackingNumber, ErrNotFound)
		}
		return time.Time{}, false, &Error{Code: e.Extensions.Code, Message: e.Message}
	}
	if res.StatusCode != http.StatusOK {
		return time.Time{}, false, fmt.Errorf("delivery tracker: HTTP %d", res.StatusCode)
	}
	if tr.Data == nil || tr.Data.Track == nil {
		return time.Time{}, false, fmt.Errorf("%s %s: %w", carrierCode, trackingNumber, ErrNotFound)
	}
	ev := tr.Data.Track.LastEvent
	if ev == nil || ev.Status.Code != "DELIVERED" {
		return time.Time{}, false, nil // nothing yet, or still on its way
	}
	at, err := time.Parse(time.RFC3339, ev.Time)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("delivery tracker: event time %q: %w", ev.Time, err)
	}
	return at, true, nil
}
