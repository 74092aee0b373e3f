package backoffice

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/security"
)

// 송장 일괄등록: staff upload the file their courier's system produces
// (order number, carrier, tracking number), see every row checked, and
// apply it; the good rows ship their orders as the order's page does. The
// upload keeps the file's rows on the server (order.PreviewShipments), so
// the page of an upload shows it checked again as the orders stand, and
// once applied, what the apply did. Behind account.PermOrders.

// Shipments is what the back office needs of the shipment upload, part of
// Orders; *order.Service implements it and audits every shipment in its
// transaction.
type Shipments interface {
	PreviewShipments(ctx context.Context, actor order.Actor, fileName string, file []byte) (order.ShipmentReport, error)
	ApplyShipments(ctx context.Context, uploadID string, actor order.Actor) (order.ShipmentReport, error)
	ShipmentUpload(ctx context.Context, uploadID string, staffID int64) (order.ShipmentReport, error)
}

// registerShipments adds the shipment upload under the orders.
func (h *Handler) registerShipments(mux Router) {
	p, s := h.cfg.Path, h.withSession
	orders := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermOrders, next))) }
	mux.Handle("GET "+p+"/orders/shipments", orders(h.shipmentsForm))
	mux.Handle("POST "+p+"/orders/shipments", security.Limit(order.MaxShipmentFileBytes+uploadOverhead, h.shipmentsTooLarge,
		orders(h.uploadShipments)))
	mux.Handle("GET "+p+"/orders/shipments/{upload}", orders(h.shipmentUpload))
	mux.Handle("POST "+p+"/orders/shipments/{upload}/apply", orders(h.applyShipments))
}

// shipmentsFormView is the upload page.
type shipmentsFormView struct {
	Action, BackURL string
	Error           string
	Carriers        []option
	MaxRows         int
}

// shipmentRowView is one row of an upload's report.
type shipmentRowView struct {
	Row                       int
	Number, OrderURL          string
	Carrier, Tracking, Result string
	// Kind is the result's code, for the row's style and tests.
	Kind string
	Good bool
}

// shipmentUploadView is the page of an upload: its preview and the apply
// button, or what the apply did.
type shipmentUploadView struct {
	BackURL, FormURL, ApplyURL string
	FileName, Created          string
	Applied, Running           bool
	// Summary counts the rows: ready (preview) or shipped (result), and
	// the others.
	Summary string
	Ready   int
	Rows    []shipmentRowView
}

func (h *Handler) shipmentsForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showShipmentsForm(w, r, m, u, http.StatusOK, "")
}

func (h *Handler) showShipmentsForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, errText string) error {
	carriers, err := h.deps.Shipping.Carriers(r.Context())
	if err != nil {
		return err
	}
	v := shipmentsFormView{Action: h.url("/orders/shipments"), BackURL: h.url("/orders"), Error: errText, MaxRows: order.MaxShipmentRows}
	for _, c := range carriers {
		v.Carriers = append(v.Carriers, option{Value: c.Code, Label: c.Name})
	}
	h.render(w, r, status, shipmentsFormPage(h.page(r, m, u, m.T("ship.title"), "orders"), v))
	return nil
}

// shipmentsTooLarge answers an upload declared larger than the limit with
// the form and its message, before any of the body is read.
func (h *Handler) shipmentsTooLarge(w http.ResponseWriter, r *http.Request, _ int64) {
	h.withSession(h.staff(h.need(account.PermOrders, func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		return h.showShipmentsForm(w, r, m, u, http.StatusRequestEntityTooLarge, m.T("ship.file.too_big"))
	}))).ServeHTTP(w, r)
}

// uploadShipments reads the uploaded file, keeps its rows checked and goes
// to the upload's page (a refresh uploads nothing again); a file refused
// as a whole shows the form with why.
func (h *Handler) uploadShipments(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, order.MaxShipmentFileBytes+uploadOverhead)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if _, ok := security.TooLarge(err); ok {
			return h.showShipmentsForm(w, r, m, u, http.StatusRequestEntityTooLarge, m.T("ship.file.too_big"))
		}
		return h.showShipmentsForm(w, r, m, u, http.StatusUnprocessableEntity, m.T("ship.file.none"))
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return h.showShipmentsForm(w, r, m, u, http.StatusUnprocessableEntity, m.T("ship.file.none"))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, order.MaxShipmentFileBytes+1))
	if err != nil {
		return err
	}
	rep, err := h.deps.Orders.PreviewShipments(r.Context(), order.Staff(staffActor(r, u)), uploadName(hdr.Filename), data)
	if inv, ok := fault.AsInvalid(err); ok {
		status := http.StatusUnprocessableEntity
		if inv.Fields["file"] == order.FileTooBig {
			status = http.StatusRequestEntityTooLarge
		}
		return h.showShipmentsForm(w, r, m, u, status, shipmentFileText(m, inv.Fields["file"]))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.url("/orders/shipments/"+rep.UploadID), http.StatusSeeOther)
	return nil
}

// shipmentFileText is why a file was refused, in m's language.
func shipmentFileText(m *messages, msg string) string {
	key := map[string]string{
		order.FileEmpty: "ship.file.empty", order.FileType: "ship.file.type", order.FileXLS: "ship.file.xls",
		order.FileTooBig: "ship.file.too_big", order.FileTooMany: "ship.file.too_many", order.FileNoColumns: "ship.file.columns",
		order.FileBroken: "ship.file.broken",
	}[msg]
	if key == "" {
		return m.T("ship.file.broken")
	}
	if key == "ship.file.too_many" {
		return m.F(key, order.MaxShipmentRows)
	}
	return m.T(key)
}

// shipmentUpload shows an upload: before it is applied, its rows checked
// against the orders as they are now and the button that applies the good
// ones; after, what the apply did.
func (h *Handler) shipmentUpload(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := r.PathValue("upload")
	rep, err := h.deps.Orders.ShipmentUpload(r.Context(), id, u.ID)
	if err != nil {
		return err
	}
	v := shipmentUploadView{BackURL: h.url("/orders"), FormURL: h.url("/orders/shipments"),
		ApplyURL: h.url("/orders/shipments/" + id + "/apply"), FileName: rep.FileName, Created: m.Time(rep.CreatedAt),
		Applied: !rep.AppliedAt.IsZero(), Running: rep.Running}
	for _, c := range rep.Rows {
		row := shipmentRowView{Row: c.Row, Number: c.Number, Carrier: c.Carrier, Tracking: c.Tracking, Kind: c.Result,
			Good: c.Result == order.ShipOK || c.Result == order.ShipShipped, Result: shipmentResultText(m, c)}
		if c.CarrierName != "" {
			row.Carrier = c.CarrierName
		}
		if c.OrderID != 0 {
			row.OrderURL = h.url("/orders/" + strconv.FormatInt(c.OrderID, 10))
		}
		v.Rows = append(v.Rows, row)
	}
	title := m.T("ship.preview.title")
	switch {
	case v.Running:
		title = m.T("ship.result.title")
	case v.Applied:
		title = m.T("ship.result.title")
		v.Summary = m.F("ship.result.summary", rep.Count(order.ShipShipped), len(rep.Rows)-rep.Count(order.ShipShipped))
	default:
		v.Ready = rep.Count(order.ShipOK)
		v.Summary = m.F("ship.preview.summary", len(rep.Rows), v.Ready, len(rep.Rows)-v.Ready)
	}
	h.render(w, r, http.StatusOK, shipmentUploadPage(h.page(r, m, u, title, "orders"), v))
	return nil
}

// shipmentResultText says what became of row c.
func shipmentResultText(m *messages, c order.ShipmentCheck) string {
	switch c.Result {
	case order.ShipWrongState:
		return m.F("ship.r.wrong_state", statusLabel(m, c.Status))
	case order.ShipDuplicate:
		return m.F("ship.r.duplicate", c.DuplicateOf)
	}
	return labelOr(m, "ship.r.", c.Result)
}

// applyShipments applies an upload and goes to its page, which then shows
// what was done. The apply runs to its end even if the browser gives up
// waiting (each order ships whole or not at all either way); a second
// apply of the same upload (a double click, another tab) goes to the page
// of the first.
func (h *Handler) applyShipments(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := r.PathValue("upload")
	rep, err := h.deps.Orders.ApplyShipments(context.WithoutCancel(r.Context()), id, order.Staff(staffActor(r, u)))
	switch {
	case err == nil:
		h.log.InfoContext(r.Context(), "shipment file applied in the back office", "actor_id", u.ID, "upload", id,
			"shipped", rep.Count(order.ShipShipped))
	case errors.Is(err, fault.ErrConflict):
	default:
		return err
	}
	http.Redirect(w, r, h.url("/orders/shipments/"+id), http.StatusSeeOther)
	return nil
}
