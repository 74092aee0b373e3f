package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog/bulk"
)

// Bulk is what the product export and import endpoints use
// (*bulk.Service); see its methods for the errors.
type Bulk interface {
	Export(ctx context.Context, w io.Writer, f bulk.Format, by audit.Actor) error
	Import(ctx context.Context, by audit.Actor, file []byte, opt bulk.Options, progress func(bulk.Progress)) (bulk.Report, error)
}

// ImportReport is what an import did, or would do in a dry run.
type ImportReport struct {
	Format          string         `json:"format" enum:"csv,xlsx" example:"xlsx"`
	DryRun          bool           `json:"dry_run" example:"true"`
	Partial         bool           `json:"partial" example:"false"`
	Applied         bool           `json:"applied" doc:"The changes were written: not a dry run, and no row was rejected or partial was set." example:"false"`
	Rows            int            `json:"rows" doc:"Data rows read; blank rows are skipped." example:"3"`
	Created         int            `json:"created" doc:"Rows that add a variant." example:"1"`
	Updated         int            `json:"updated" doc:"Rows that change their variant or, on a product's first row, its product." example:"1"`
	Unchanged       int            `json:"unchanged" example:"0"`
	Rejected        int            `json:"rejected" example:"1"`
	ProductsCreated int            `json:"products_created" example:"1"`
	ProductsUpdated int            `json:"products_updated" example:"0"`
	Changes         []ImportChange `json:"changes" nullable:"false" doc:"The rows that create or update something, in file order."`
	Problems        []ImportIssue  `json:"problems" nullable:"false" doc:"Why rows were rejected, by row then column."`
	Ignored         []string       `json:"ignored_columns" nullable:"false" doc:"Headers that name no column; their cells were not read." example:"[\"메모\"]"`
}

// ImportChange is what one row creates or updates.
type ImportChange struct {
	Row    int           `json:"row" doc:"The row's number in the file; the header is row 1." example:"2"`
	SKU    string        `json:"sku" example:"CK-BT-01"`
	Kind   string        `json:"kind" enum:"created,updated" example:"updated"`
	Fields []ImportField `json:"fields" nullable:"false"`
}

// ImportField is one value a row changes.
type ImportField struct {
	Field  string `json:"field" doc:"The column's key." example:"stock"`
	Before string `json:"before" doc:"As the export writes it; empty for a new variant." example:"10"`
	After  string `json:"after" example:"7"`
}

// ImportIssue is why a row, or one of its cells, was rejected.
type ImportIssue struct {
	Row       int    `json:"row" doc:"The row's number in the file; the header is row 1." example:"4"`
	Field     string `json:"field" doc:"The column's key; empty for the whole row." example:"stock"`
	Column    string `json:"column" doc:"The column's header as the file writes it." example:"재고"`
	Value     string `json:"value" example:"-1"`
	Reason    string `json:"reason" doc:"A code: required, not_number, negative, sale_not_below, too_long, unknown_category, bad_type, bad_status, bad_flag, duplicate_sku, unknown_product, other_product, product_mismatch, options_changed, option_missing, option_extra, option_repeat." example:"negative"`
	Message   string `json:"message" example:"must not be negative"`
	MessageKO string `json:"message_ko" example:"0 이상이어야 합니다"`
}

func newImportReport(r bulk.Report) ImportReport {
	out := ImportReport{Format: string(r.Format), DryRun: r.DryRun, Partial: r.Partial, Applied: r.Applied, Rows: r.Rows,
		Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Rejected: r.Rejected,
		ProductsCreated: r.ProductsCreated, ProductsUpdated: r.ProductsUpdated,
		Changes: make([]ImportChange, 0, len(r.Changes)), Problems: make([]ImportIssue, 0, len(r.Problems)),
		Ignored: append([]string{}, r.Ignored...)}
	for _, c := range r.Changes {
		ch := ImportChange{Row: c.Row, SKU: c.SKU, Kind: c.Kind, Fields: make([]ImportField, len(c.Fields))}
		for i, f := range c.Fields {
			ch.Fields[i] = ImportField(f)
		}
		out.Changes = append(out.Changes, ch)
	}
	for _, p := range r.Problems {
		out.Problems = append(out.Problems, ImportIssue{Row: p.Row, Field: p.Field, Column: p.Column, Value: p.Value,
			Reason: string(p.Reason), Message: p.Message("en"), MessageKO: p.Message("ko")})
	}
	return out
}

type exportInput struct {
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8 with a byte-order mark, as Excel on Korean Windows needs) or xlsx."`
}

type importInput struct {
	DryRun  bool   `query:"dry_run" default:"true" doc:"Report what would change and write nothing (the default)."`
	Partial bool   `query:"partial" doc:"Write the good rows when some are rejected; without it one rejected row makes the import write nothing."`
	RawBody []byte `contentType:"text/csv" doc:"The file itself, CSV or .xlsx (told by its content, not its type), at most 10 MB."`
}

type importOutput struct {
	Body ImportReport
}

// EnableBulk adds the staff's product export and import
// (/api/v1/admin/products/export and …/import) over b. Call it after
// EnableAccounts and before Register.
func (a *API) EnableBulk(b Bulk) {
	if a.acc == nil || b == nil {
		panic("api: EnableBulk needs EnableAccounts first, and a Bulk")
	}
	a.bulk = b
	desc := "For staff with the catalog permission, with a staff token carrying the catalog scope (any other token gets " +
		"403). One row per variant with its product's fields repeated; the columns are found by their header, Korean " +
		"(상품번호, 상품명, 카테고리, 상품유형, 판매상태, SKU, 옵션명1–3, 옵션값1–3, 판매가, 할인가, 재고, 사용여부) or the English " +
		"keys (product_id, name, category, type, status, sku, option1_name…, price, sale_price, stock, active). "
	huma.Register(a.huma, a.staffOp(huma.Operation{
		OperationID: "export-products",
		Method:      http.MethodGet,
		Path:        Prefix + "/admin/products/export",
		Summary:     "Export every product and variant",
		Description: desc + "Streams every variant of every product that is not deleted, as the import reads it back.",
		Errors:      []int{http.StatusForbidden, http.StatusUnprocessableEntity},
		Responses: map[string]*huma.Response{"200": {Description: "The file.", Content: map[string]*huma.MediaType{
			"text/csv": {}, bulk.ContentType(bulk.XLSX): {}}}},
	}, account.PermCatalog), a.exportProducts)
	op := a.staffOp(huma.Operation{
		OperationID: "import-products",
		Method:      http.MethodPost,
		Path:        Prefix + "/admin/products/import",
		Summary:     "Import products and variants by SKU",
		Description: desc + "The body is the file. An existing SKU updates its variant (판매가, 할인가, 재고, 사용여부) and " +
			"its product (상품명, 카테고리, 상품유형, 판매상태); a new SKU adds a variant to the product its 상품번호 names, or, " +
			"without one, to a new product made of the rows with its 상품명. A column left out changes nothing. A dry run " +
			"(the default) reports the changes, before and after; an applying run writes them and one audit entry in one " +
			"transaction. Rejected rows are listed with their row, column and reason; unless partial is set, one rejected " +
			"row makes the import write nothing. 413 over 10 MB; 422 naming body when the file is neither CSV nor .xlsx, " +
			"has no header row or no SKU column.",
		Errors: []int{http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusConflict},
	}, account.PermCatalog)
	op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"text/csv": {}, bulk.ContentType(bulk.XLSX): {}, "application/octet-stream": {}}}
	op.MaxBodyBytes = bulk.MaxFileBytes
	op.BodyReadTimeout = time.Minute
	huma.Register(a.huma, op, a.importProducts)
	documentErrorHeaders(a.huma.OpenAPI())
	a.renderSpec()
}

func (a *API) exportProducts(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	f, err := bulk.ParseFormat(in.Format)
	if err != nil {
		return nil, a.problem(ctx, err, "query")
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", bulk.ContentType(f))
		hc.SetHeader("Content-Disposition", `attachment; filename="products.`+string(f)+`"`)
		hc.SetHeader("Cache-Control", "no-store")
		hc.SetStatus(http.StatusOK)
		if err := a.bulk.Export(ctx, hc.BodyWriter(), f, apiActor(ctx, u)); err != nil {
			// The status is sent; a cut file is all the client can see.
			a.log.ErrorContext(ctx, "export products", "err", err)
		}
	}}, nil
}

func (a *API) importProducts(ctx context.Context, in *importInput) (*importOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := a.bulk.Import(ctx, apiActor(ctx, u), in.RawBody, bulk.Options{DryRun: in.DryRun, Partial: in.Partial}, nil)
	if err != nil {
		var fe *bulk.FileError
		if errors.As(err, &fe) && fe.Code == "size" {
			return nil, huma.Error413RequestEntityTooLarge(fe.Message("en"))
		}
		return nil, a.problem(ctx, err, "body")
	}
	return &importOutput{Body: newImportReport(rep)}, nil
}
