package backoffice

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/bulk"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/security"
)

// The catalog's bulk section (상품 일괄 등록·수정): download every product
// and variant as CSV or Excel, upload a sheet to check (a dry run, the
// default) or apply, and follow the import on its own page, which reloads
// itself until the import is done and shows the report — so a reload of
// the page, or coming back to it, finds the same run. Behind
// account.PermCatalog; the bulk service audits the import in its
// transaction and the export once written.

// Bulk is what the back office needs of the catalog's export and import;
// *bulk.Service implements it.
type Bulk interface {
	Export(ctx context.Context, w io.Writer, f bulk.Format, by audit.Actor) error
	Start(ctx context.Context, by audit.Actor, file []byte, opt bulk.Options) (string, error)
	Status(ctx context.Context, id string) (bulk.RunState, error)
	ApplyDryRun(ctx context.Context, by audit.Actor, id string, partial bool) (string, error)
}

// maxShownChanges bounds the changes a report page lists; the counts above
// them cover every row.
const maxShownChanges = 500

// registerBulk adds the bulk section.
func (h *Handler) registerBulk(mux Router) {
	p, s := h.cfg.Path, h.withSession
	cat := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermCatalog, next))) }
	mux.Handle("GET "+p+"/catalog/bulk", cat(h.bulkPage))
	mux.Handle("GET "+p+"/catalog/bulk/export", cat(h.bulkExport))
	mux.Handle("POST "+p+"/catalog/bulk/import", security.Limit(bulk.MaxFileBytes+uploadOverhead, h.bulkTooLarge, cat(h.bulkImport)))
	mux.Handle("GET "+p+"/catalog/bulk/runs/{id}", cat(h.bulkRun))
	mux.Handle("POST "+p+"/catalog/bulk/runs/{id}/apply", cat(h.bulkApply))
}

// bulkSections adds the bulk section to the menu for u.
func (h *Handler) bulkSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermCatalog) {
		add("bulk", "/catalog/bulk", "dash.bulk")
	}
}

// bulkView is the section's page.
type bulkView struct {
	ExportCSV, ExportXLSX, Action string
	Columns                       []bulkColumn
	Error                         string
	// Key is the form's one-time key: the form sent twice (a double
	// click) is one run.
	Key string
}

type bulkColumn struct{ Header, Key, Hint string }

func (h *Handler) bulkPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	h.showBulk(w, r, m, u, http.StatusOK, "")
	return nil
}

func (h *Handler) showBulk(w http.ResponseWriter, r *http.Request, m *messages, u account.User, status int, errText string) {
	v := bulkView{ExportCSV: h.url("/catalog/bulk/export?format=csv"), ExportXLSX: h.url("/catalog/bulk/export?format=xlsx"),
		Action: h.url("/catalog/bulk/import"), Error: errText, Key: formKey()}
	for _, c := range bulk.Columns {
		v.Columns = append(v.Columns, bulkColumn{Header: c.Header, Key: c.Key, Hint: m.T("bulk.col." + c.Key)})
	}
	h.render(w, r, status, bulkPage(h.page(r, m, u, m.T("bulk.title"), "bulk"), v))
}

func (h *Handler) bulkExport(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	f, err := bulk.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	name := "products-" + h.deps.Now().In(kst.Zone).Format("20060102") + "." + string(f)
	w.Header().Set("Content-Type", bulk.ContentType(f))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := h.deps.Bulk.Export(r.Context(), w, f, staffActor(r, u)); err != nil {
		// The file has begun; all that is left is to cut it short.
		h.log.ErrorContext(r.Context(), "export products", "err", err)
	}
	return nil
}

// bulkTooLarge answers an upload declared larger than the limit with the
// bulk page and its message, before any of the body is read (signing in
// and the permission are checked as for the upload itself).
func (h *Handler) bulkTooLarge(w http.ResponseWriter, r *http.Request, _ int64) {
	h.withSession(h.staff(h.need(account.PermCatalog, func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		h.showBulk(w, r, m, u, http.StatusRequestEntityTooLarge, m.T("bulk.too_big"))
		return nil
	}))).ServeHTTP(w, r)
}

// uploadOverhead is what a multipart form adds to its file.
const uploadOverhead = 64 << 10

func (h *Handler) bulkImport(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, bulk.MaxFileBytes+uploadOverhead)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			h.showBulk(w, r, m, u, http.StatusRequestEntityTooLarge, m.T("bulk.too_big"))
			return nil
		}
		h.showBulk(w, r, m, u, http.StatusUnprocessableEntity, m.T("bulk.no_file"))
		return nil
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.showBulk(w, r, m, u, http.StatusUnprocessableEntity, m.T("bulk.no_file"))
		return nil
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, bulk.MaxFileBytes+1))
	if err != nil {
		return err
	}
	if len(data) > bulk.MaxFileBytes {
		h.showBulk(w, r, m, u, http.StatusRequestEntityTooLarge, m.T("bulk.too_big"))
		return nil
	}
	opt := bulk.Options{DryRun: r.FormValue("mode") != "apply", Partial: r.FormValue("partial") == "1",
		FileName: uploadName(hdr.Filename), Key: strings.TrimSpace(r.FormValue("key"))}
	if len(opt.Key) > 64 {
		opt.Key = ""
	}
	id, err := h.deps.Bulk.Start(r.Context(), staffActor(r, u), data, opt)
	if fe := new(bulk.FileError); errors.As(err, &fe) {
		status := http.StatusUnprocessableEntity
		if fe.Code == "size" {
			status = http.StatusRequestEntityTooLarge
		}
		h.showBulk(w, r, m, u, status, fe.Message(m.Code()))
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.url("/catalog/bulk/runs/"+id), http.StatusSeeOther)
	return nil
}

// formKey is a new one-time key for the upload form.
func formKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// uploadName is the base of a file name a browser sent, cut to 100
// characters.
func uploadName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		return ""
	}
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return name
}

// runView is the page of one import.
type runView struct {
	BackURL, FileName, Mode string
	Partial, Done           bool
	Phase                   string
	DoneRows, TotalRows     int
	Failed                  string
	Outcome, OutcomeKind    string
	Report                  *bulk.Report
	Problems                []problemRow
	Changes                 []changeRow
	MoreChanges             int
	// ApplyURL is where a finished dry run is applied; "" when it cannot
	// be (not a dry run, or its file is no longer kept).
	ApplyURL string
}

type problemRow struct{ Row, Column, Value, Reason string }

type changeRow struct{ Row, SKU, Kind, KindKey, What string }

func (h *Handler) bulkRun(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	st, err := h.deps.Bulk.Status(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := runView{BackURL: h.url("/catalog/bulk"), FileName: st.FileName, Partial: st.Options.Partial, Done: st.Done,
		Phase: m.T("bulk.phase." + string(st.Progress.Phase)), DoneRows: st.Progress.Done, TotalRows: st.Progress.Total}
	v.Mode = m.T("bulk.mode.apply")
	if st.Options.DryRun {
		v.Mode = m.T("bulk.mode.dry_run")
	}
	switch {
	case !st.Done:
		// The page reloads itself until the import is done.
		w.Header().Set("Refresh", "1")
	case errors.Is(st.Err, bulk.ErrInterrupted):
		v.Failed = m.T("bulk.interrupted")
	case st.Err != nil:
		v.Failed = m.T("bulk.failed")
	default:
		rep := st.Report
		v.Report = rep
		if st.CanApply {
			v.ApplyURL = h.url("/catalog/bulk/runs/" + st.ID + "/apply")
		}
		switch {
		case rep.DryRun:
			v.Outcome, v.OutcomeKind = m.T("bulk.outcome.dry_run"), "notice"
		case rep.Applied:
			v.Outcome, v.OutcomeKind = m.T("bulk.outcome.applied"), "notice"
		default:
			v.Outcome, v.OutcomeKind = m.T("bulk.outcome.rejected"), "form-error"
		}
		for _, p := range rep.Problems {
			v.Problems = append(v.Problems, problemRow{Row: strconv.Itoa(p.Row), Column: columnLabel(m, p.Field, p.Column),
				Value: p.Value, Reason: p.Message(m.Code())})
		}
		for i, c := range rep.Changes {
			if i == maxShownChanges {
				v.MoreChanges = len(rep.Changes) - i
				break
			}
			parts := make([]string, len(c.Fields))
			for j, f := range c.Fields {
				before, after := valueLabel(f.Field, f.Before), valueLabel(f.Field, f.After)
				if c.Kind == "created" {
					parts[j] = columnLabel(m, f.Field, "") + ": " + after
				} else {
					parts[j] = columnLabel(m, f.Field, "") + ": " + orDash(before) + " → " + orDash(after)
				}
			}
			v.Changes = append(v.Changes, changeRow{Row: strconv.Itoa(c.Row), SKU: c.SKU, Kind: m.T("bulk.kind." + c.Kind),
				KindKey: c.Kind, What: strings.Join(parts, ", ")})
		}
	}
	h.render(w, r, http.StatusOK, bulkRunPage(h.page(r, m, u, m.T("bulk.run.title"), "bulk"), v))
	return nil
}

// bulkApply applies the file of a finished dry run, as previewed, and
// follows the new run.
func (h *Handler) bulkApply(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id, err := h.deps.Bulk.ApplyDryRun(r.Context(), staffActor(r, u), r.PathValue("id"), r.FormValue("partial") == "1")
	if err != nil {
		return err
	}
	http.Redirect(w, r, h.url("/catalog/bulk/runs/"+id), http.StatusSeeOther)
	return nil
}

// columnLabel names a column the way the page's language does: its Korean
// header, or its English key; the file's own header when neither is known.
func columnLabel(m *messages, key, header string) string {
	switch {
	case key == "":
		return header
	case m.Code() == "ko":
		return bulk.ColumnHeader(key)
	}
	return key
}

// valueLabel is a value of a report's change as the file writes it: the
// label of a type or status, which reports give as codes.
func valueLabel(field, v string) string {
	switch field {
	case bulk.ColType:
		if l, ok := bulk.TypeLabels[catalog.ProductType(v)]; ok {
			return l
		}
	case bulk.ColStatus:
		if l, ok := bulk.StatusLabels[catalog.Status(v)]; ok {
			return l
		}
	}
	return v
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// bulkTexts are the section's texts as {Korean, English}.
var bulkTexts = map[string][2]string{
	"nav.bulk":               {"상품 일괄 등록", "Bulk products"},
	"dash.bulk":              {"상품과 옵션을 엑셀·CSV로 내려받고 한 번에 등록·수정합니다.", "Download products and variants as Excel or CSV and add or change many at once."},
	"bulk.title":             {"상품 일괄 등록·수정", "Bulk product import and export"},
	"bulk.intro":             {"옵션(SKU)마다 한 행입니다. 내려받은 파일을 고쳐서 올리면 SKU로 찾아 바꿉니다. 없는 SKU는 새 옵션이 되고, 상품번호가 없으면 상품명이 같은 행끼리 새 상품이 됩니다. 빠진 열은 바꾸지 않습니다.", "One row per variant (SKU). Edit a downloaded file and upload it: rows are matched by SKU. A new SKU becomes a new variant; rows without a product number make new products, one per product name. Columns left out are not changed."},
	"bulk.download":          {"내려받기", "Download"},
	"bulk.download.csv":      {"CSV 내려받기", "Download CSV"},
	"bulk.download.xlsx":     {"엑셀 내려받기", "Download Excel (.xlsx)"},
	"bulk.upload":            {"올리기", "Upload"},
	"bulk.file":              {"파일 (CSV 또는 엑셀, 최대 10MB)", "File (CSV or .xlsx, at most 10 MB)"},
	"bulk.mode":              {"방식", "Mode"},
	"bulk.mode.dry_run":      {"미리보기 (바꾸지 않고 결과만 확인)", "Preview (check only, change nothing)"},
	"bulk.mode.apply":        {"반영", "Apply"},
	"bulk.partial":           {"잘못된 행이 있어도 올바른 행은 반영", "Apply the good rows even when some are rejected"},
	"bulk.partial.hint":      {"선택하지 않으면 잘못된 행이 하나라도 있을 때 아무것도 바꾸지 않습니다.", "Unless ticked, one rejected row means nothing is changed."},
	"bulk.submit":            {"올리기", "Upload"},
	"bulk.columns":           {"열 안내", "Columns"},
	"bulk.col.header":        {"머리글", "Header"},
	"bulk.col.key":           {"영문 머리글", "English header"},
	"bulk.col.hint":          {"설명", "Meaning"},
	"bulk.too_big":           {"파일이 너무 큽니다. 10MB 이하로 올려 주세요.", "The file is too large: upload at most 10 MB."},
	"bulk.no_file":           {"올릴 파일을 골라 주세요.", "Choose a file to upload."},
	"bulk.run.title":         {"일괄 등록 결과", "Import result"},
	"bulk.back":              {"상품 일괄 등록으로 돌아가기", "Back to bulk products"},
	"bulk.running":           {"처리 중입니다. 이 페이지는 끝날 때까지 저절로 새로 고쳐집니다.", "Working. This page reloads itself until it is done."},
	"bulk.reload":            {"새로 고침", "Reload"},
	"bulk.progress":          {"%s: %d / %d행", "%s: %d of %d rows"},
	"bulk.phase.read":        {"파일 읽는 중", "Reading the file"},
	"bulk.phase.check":       {"행 확인 중", "Checking rows"},
	"bulk.phase.write":       {"반영 중", "Writing"},
	"bulk.phase.done":        {"완료", "Done"},
	"bulk.failed":            {"처리하지 못했습니다. 아무것도 바뀌지 않았습니다. 잠시 후 다시 올려 주세요.", "The import failed and changed nothing. Please upload the file again in a moment."},
	"bulk.interrupted":       {"서버가 다시 시작되어 처리가 중단되었습니다. 아무것도 바뀌지 않았으니 파일을 다시 올려 주세요.", "The import was interrupted by a server restart and changed nothing. Please upload the file again."},
	"bulk.outcome.dry_run":   {"미리보기입니다. 아무것도 바꾸지 않았습니다.", "This is a preview: nothing was changed."},
	"bulk.outcome.applied":   {"반영했습니다.", "The changes were applied."},
	"bulk.outcome.rejected":  {"잘못된 행이 있어 아무것도 바꾸지 않았습니다. 파일을 고쳐 다시 올리거나, 올바른 행만 반영하도록 선택하세요.", "Some rows were rejected, so nothing was changed. Fix the file and upload it again, or choose to apply the good rows only."},
	"bulk.file_name":         {"파일", "File"},
	"bulk.partial.yes":       {"올바른 행만 반영", "Good rows only"},
	"bulk.rows":              {"읽은 행", "Rows read"},
	"bulk.created":           {"추가", "Created"},
	"bulk.updated":           {"수정", "Updated"},
	"bulk.unchanged":         {"변경 없음", "Unchanged"},
	"bulk.rejected":          {"거부", "Rejected"},
	"bulk.products_created":  {"새 상품", "New products"},
	"bulk.products_updated":  {"수정한 상품", "Products changed"},
	"bulk.ignored":           {"읽지 않은 열: %s", "Columns not read: %s"},
	"bulk.problems":          {"거부된 행", "Rejected rows"},
	"bulk.problem.row":       {"행", "Row"},
	"bulk.problem.column":    {"열", "Column"},
	"bulk.problem.value":     {"값", "Value"},
	"bulk.problem.reason":    {"사유", "Reason"},
	"bulk.changes":           {"바뀌는 내용", "Changes"},
	"bulk.change.kind":       {"구분", "Kind"},
	"bulk.change.what":       {"내용", "What"},
	"bulk.kind.created":      {"추가", "Created"},
	"bulk.kind.updated":      {"수정", "Updated"},
	"bulk.more_changes":      {"외 %d행은 생략했습니다.", "%d more rows not shown."},
	"bulk.apply":             {"미리본 대로 반영", "Apply as previewed"},
	"bulk.apply.hint":        {"같은 파일을 다시 올리지 않고 반영합니다. 반영할 때 다시 확인하므로, 그 사이 바뀐 내용이 있으면 결과가 미리보기와 다를 수 있습니다.", "Applies the same file without another upload. The rows are checked again as they are applied, so the result may differ from the preview if the catalog changed since."},
	"bulk.col.product_id":    {"상품번호. 비우면 새 상품", "Product number; empty for a new product"},
	"bulk.col.name":          {"상품명", "Product name"},
	"bulk.col.category":      {"카테고리의 주소 이름 또는 '식품 > 초콜릿'처럼 이름 경로", "Category slug, or its path of names such as '식품 > 초콜릿'"},
	"bulk.col.type":          {"배송상품, 디지털, 정기구독 중 하나", "배송상품 (physical), 디지털 (digital) or 정기구독 (subscription)"},
	"bulk.col.status":        {"판매중, 준비중, 판매종료 중 하나", "판매중 (active), 준비중 (draft) or 판매종료 (archived)"},
	"bulk.col.sku":           {"옵션마다 다른 관리 코드 (필수)", "Each variant's own code (required)"},
	"bulk.col.option1_name":  {"첫째 옵션의 이름 (예: 사이즈)", "First option's name (such as Size)"},
	"bulk.col.option1_value": {"첫째 옵션의 값 (예: M)", "First option's value (such as M)"},
	"bulk.col.option2_name":  {"둘째 옵션의 이름", "Second option's name"},
	"bulk.col.option2_value": {"둘째 옵션의 값", "Second option's value"},
	"bulk.col.option3_name":  {"셋째 옵션의 이름", "Third option's name"},
	"bulk.col.option3_value": {"셋째 옵션의 값", "Third option's value"},
	"bulk.col.price":         {"판매가 (원)", "Price (won)"},
	"bulk.col.sale_price":    {"할인가 (원). 비우면 할인 없음", "Sale price (won); empty for none"},
	"bulk.col.stock":         {"재고 수량", "Units in stock"},
	"bulk.col.active":        {"Y(사용) 또는 N(사용 안 함)", "Y (sold) or N (not sold)"},
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
