-- Shipping-fee rules and carriers (see docs/decisions/0022-pricing.md).
--
-- shipping_settings holds the shop's one set of fee rules in at most one
-- row (id = 1). No row means the defaults in internal/shipping apply, so a
-- new shop charges sensible fees before staff look at the settings; once
-- staff save rules, the row and shipping_remote_areas are what count, and
-- an empty shipping_remote_areas then means no remote surcharge at all.
-- Amounts are whole won.
--
-- shipping_remote_areas are postcode ranges (five-digit strings, inclusive,
-- compared as text, which orders them like numbers) with the surcharge each
-- adds per shipment. The service refuses overlapping ranges; position keeps
-- the order staff entered them in.
--
-- carriers are the delivery companies a shipment can name. The customer's
-- tracking link is tracking_url_template with {tracking} replaced by the
-- escaped tracking number. Carriers are deactivated, never deleted, because
-- shipments refer to them by code.
-- +goose Up
CREATE TABLE shipping_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    base_fee_minor BIGINT NOT NULL CHECK (base_fee_minor >= 0),
    free_over_minor BIGINT NOT NULL CHECK (free_over_minor >= 0),
    per_seller BOOLEAN NOT NULL,
    currency TEXT NOT NULL DEFAULT 'KRW',
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE shipping_remote_areas (
    id {{ID}},
    position INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    postcode_from TEXT NOT NULL CHECK (length(postcode_from) = 5),
    postcode_to TEXT NOT NULL CHECK (length(postcode_to) = 5),
    surcharge_minor BIGINT NOT NULL CHECK (surcharge_minor >= 0),
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (postcode_from <= postcode_to)
);
CREATE INDEX shipping_remote_areas_position ON shipping_remote_areas (position, id);

CREATE TABLE carriers (
    id {{ID}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    tracking_url_template TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{TIME}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX carriers_position ON carriers (position, id);

INSERT INTO carriers (code, name, tracking_url_template, position) VALUES
    ('cj', 'CJ대한통운', 'https://trace.cjlogistics.com/next/tracking.html?wblNo={tracking}', 1),
    ('hanjin', '한진택배', 'https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={tracking}', 2),
    ('lotte', '롯데택배', 'https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={tracking}', 3),
    ('epost', '우체국택배', 'https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={tracking}', 4),
    ('logen', '로젠택배', 'https://www.ilogen.com/web/personal/trace/{tracking}', 5);

-- +goose Down
DROP TABLE carriers;
DROP TABLE shipping_remote_areas;
DROP TABLE shipping_settings;
