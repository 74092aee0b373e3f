package dump

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// fillShop builds a small but representative shop with SQL inserts into
// every table the migrations create: two category levels where a child has
// a smaller id than its parent, Korean text, booleans both ways, NULL and
// non-NULL sale prices, soft-deleted products and times with sub-second
// precision in more than one zone, one of them to the nanosecond, which
// both engines store to the microsecond.
func fillShop(t testing.TB, d *db.DB) {
	t.Helper()
	seoul := time.FixedZone("KST", 9*3600)
	t1 := time.Date(2025, 3, 1, 10, 20, 30, 123456789, time.UTC)
	t2 := time.Date(2025, 3, 2, 9, 0, 0, 500000000, seoul)
	t3 := time.Date(2024, 12, 31, 23, 59, 59, 999999000, time.UTC)
	exec(t, d, `INSERT INTO sellers (id, slug, name, is_house, created_at, updated_at) VALUES (2, 'dalkom', '달콤상회', FALSE, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO categories (id, parent_id, slug, name, name_en, position, created_at, updated_at) VALUES (3, NULL, 'food', '식품', 'Food', 1, ?, ?)`, t1, t1)
	exec(t, d, `INSERT INTO categories (id, parent_id, slug, name, name_en, position, created_at, updated_at) VALUES (2, 3, 'chocolate', '초콜릿', 'Chocolate', 2, ?, ?)`, t2, t3)
	exec(t, d, `INSERT INTO categories (id, parent_id, slug, name, position, created_at, updated_at) VALUES (1, 3, 'snack', '과자', 1, ?, ?)`, t3, t3)
	exec(t, d, `INSERT INTO products (id, seller_id, category_id, name, summary, description, search_text, product_type, status, featured, price_minor, list_price_minor, in_stock, created_at, updated_at, deleted_at)
		VALUES (1, 2, 2, '다크초콜릿세트', '진한 맛', '카카오 70% "다크" 초콜릿' || char(10) || '선물용 🍫', '다크초콜릿세트 카카오 70% "다크" 초콜릿 선물용 🍫',
			'physical', 'active', TRUE, 12900, 19900, TRUE, ?, ?, NULL)`, t1, t2)
	exec(t, d, `INSERT INTO products (id, seller_id, category_id, name, description, search_text, product_type, status, featured, price_minor, list_price_minor, in_stock, created_at, updated_at, deleted_at)
		VALUES (2, 1, 1, '버터쿠키', '바삭한 쿠키', '버터쿠키 바삭한 쿠키', 'digital', 'archived', FALSE, 5000, 5000, FALSE, ?, ?, ?)`, t2, t2, t3)
	exec(t, d, `INSERT INTO products (id, seller_id, category_id, name, created_at, updated_at) VALUES (5, 1, 1, 'Gift card ''10,000''', ?, ?)`, t3, t1)
	exec(t, d, `INSERT INTO product_options (id, product_id, position, name, created_at, updated_at) VALUES (1, 1, 1, '크기', ?, ?), (2, 1, 2, '색상', ?, ?)`, t1, t1, t2, t2)
	exec(t, d, `INSERT INTO variants (id, product_id, sku, option1, option2, price_minor, sale_price_minor, stock, active, position, created_at, updated_at) VALUES
		(1, 1, 'DC-S-BK', 'S', '검정', 19900, NULL, 5, TRUE, 1, ?, ?),
		(2, 1, 'DC-L-BK', 'L', '검정', 24900, 12900, 0, FALSE, 2, ?, ?),
		(7, 2, 'BC-1', '', '', 5000, NULL, 0, TRUE, 0, ?, ?)`, t1, t2, t2, t3, t3, t1)
	exec(t, d, `INSERT INTO stock_ledger (id, variant_id, delta, stock_after, reason, note, actor_id, actor_email, created_at, updated_at) VALUES
		(1, 1, 5, 5, 'received', '첫 입고', 1, 'admin@mallang.test', ?, ?)`, t1, t1)
	exec(t, d, `INSERT INTO product_images (id, product_id, position, blob_key, content_type, width, height, alt, thumbs_ready, created_at, updated_at) VALUES
		(1, 1, 0, 'products/1/a.jpg', 'image/jpeg', 800, 600, '다크초콜릿 상자', TRUE, ?, ?),
		(2, 1, 1, 'products/1/b.png', 'image/png', 0, 0, '', FALSE, ?, ?)`, t1, t1, t2, t2)
	exec(t, d, `INSERT INTO product_grams (gram, product_id) VALUES ('다', 1), ('다크', 1), ('쿠키', 2)`)
	exec(t, d, `INSERT INTO search_synonyms (id, term, replacement, created_at, updated_at) VALUES (1, '쵸콜릿', '초콜릿', ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO users (id, email, name, password_hash, role, active, created_at, updated_at, deleted_at) VALUES
		(1, 'admin@mallang.test', '관리자', '$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA', 'staff', TRUE, ?, ?, NULL),
		(4, 'kim@example.com', '김말랑', '', 'customer', FALSE, ?, ?, ?)`, t1, t2, t2, t2, t3)
	exec(t, d, `INSERT INTO catalog_import_runs (id, request_key, file_name, dry_run, partial, actor_id, actor_email, phase, done_rows, total_rows,
		report, started_at, finished_at, created_at, updated_at) VALUES
		('r1', 'form-1', '상품 목록.xlsx', TRUE, FALSE, 1, 'admin@mallang.test', 'done', 3, 3, '{"rows":3,"rejected":[]}', ?, ?, ?, ?)`, t1, t2, t1, t2)
	exec(t, d, `INSERT INTO outbox (id, to_address, subject, text_body, html_body, status, attempts, last_error, sent_at, created_at, updated_at) VALUES
		(1, 'kim@example.com', '[말랑] 이메일 주소를 확인해 주세요', '아래 링크를 여세요.'  || char(10) || 'https://shop.example/verify?t=abc', '<p style="color:#333">링크</p>', 'sent', 1, '', ?, ?, ?),
		(3, 'lee@example.com', '주문 확인', '주문 번호 20250301-ABCD', '', 'failed', 2, 'dial tcp: connection refused', NULL, ?, ?)`, t2, t1, t2, t3, t3)
	exec(t, d, `UPDATE users SET phone_enc = 'v1.k0.cGhvbmUtb2YtYWRtaW4', marketing_consent_at = ?, email_verified_at = ?, session_version = 3,
		permissions = 'orders,mail', last_login_at = ? WHERE id = 1`, t2, t1, t3)
	exec(t, d, `INSERT INTO account_tokens (id, user_id, purpose, token_hash, expires_at, used_at, created_at) VALUES
		(1, 4, 'verify', 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3', ?, NULL, ?),
		(2, 1, 'reset', 'b3a8e0e1f9ab1bfe3a36f231f676f78bb30a519d2b21e6c530c0eee8ebb4a5d0', ?, ?, ?)`, t2, t1, t3, t2, t1)
	exec(t, d, `INSERT INTO sessions (token_hash, user_id, data, expires_at, created_at, updated_at) VALUES
		('9b74c9897bac770ffc029102a200c5de0a6e1b6c1f5f3e1b4d2e7f0c6a8b9d01', 1, ?, ?, ?, ?),
		('0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7', NULL, ?, ?, ?, ?)`,
		[]byte{0x0d, 0xff, 0x81, 0x04, 0x01, 0x02, 0xff, 0x82, 0x00, 0x01, 0x0c}, t2, t1, t1,
		[]byte("말랑 세션"), t3, t3, t2)
	exec(t, d, `INSERT INTO addresses (id, user_id, label_enc, recipient_enc, phone_enc, postcode_enc, line1_enc, line2_enc, note_enc, is_default, created_at, updated_at) VALUES
		(1, 4, 'v1.k1.8Zq3t0X9yPpAAb1Jc2dE4fG5hI6jK7lM8nO9pQ', 'v1.k1.Rk3mN0pQ1rS2tU3vW4xY5zA6bC7dE8fG9hI', 'v1.k1.aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3', 'v1.k1.Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe', 'v1.k1.Qw1Er2Ty3Ui4Op5As6Df7Gh8Jk9Lz0Xc1Vb2Nm3Qw4Er5Ty6', 'v1.k1.Mn0Bv9Cx8Za7Sd6Fg5Hj4Kl3Pq2Wr1Et0Yu', '', TRUE, ?, ?),
		(2, 4, '', 'v1.k0.Lp9Ok8Ij7Uh6Yg5Tf4Rd3Es2Wa1Qz0Xs', 'v1.k0.Cd3Vf4Bg5Nh6Mj7Ku8Li9Op0Pa1Sd2Fg3', 'v1.k0.Hj4Kl5Zx6Cv7Bn8Mq9Wr0', 'v1.k0.Ty6Ui7Op8As9Df0Gh1Jk2Lz3Xc4Vb5Nm6Qw7Er8', '', 'v1.k0.Er5Ty6Ui7Op8As9Df0Gh1Jk2Lz3Xc4Vb5', FALSE, ?, ?),
		(5, 1, 'v1.k1.Gh7Jk8Lz9Xc0Vb1Nm2Qw3Er4Ty5', 'v1.k1.Ui6Op7As8Df9Gh0Jk1Lz2Xc3Vb4Nm5Qw', 'v1.k1.Er6Ty7Ui8Op9As0Df1Gh2Jk3Lz4Xc5Vb6Nm7', 'v1.k1.Qa1Ws2Ed3Rf4Tg5Yh6Uj7', 'v1.k1.Ik8Ol9Pz0Ax1Sc2Dv3Fb4Gn5Hm6Jq7Kw8Le9Rt0', 'v1.k1.Yu1Io2Pa3Sd4Fg5Hj6Kl7Zx8Cv9', 'v1.k1.Bn0Mq1Wr2Et3Yu4Io5Pa6Sd7Fg8', TRUE, ?, ?)`, t1, t2, t3, t3, t2, t1)
	exec(t, d, `INSERT INTO api_token_families (id, user_id, session_version, created_at, expires_at, revoked_at) VALUES
		(1, 1, 1, ?, ?, NULL),
		(2, 4, 3, ?, ?, ?)`, t1, t2, t3, t1, t2)
	exec(t, d, `INSERT INTO api_refresh_tokens (id, family_id, token_hash, parent_id, client, ip, created_at, expires_at, used_at) VALUES
		(3, 1, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', NULL, 'MallangApp/2.1 (iPhone; iOS 18.3)', '203.0.113.7', ?, ?, ?),
		(2, 1, '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752', 3, '말랑 앱 안드로이드', '2001:db8::1', ?, ?, NULL),
		(5, 2, 'fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13', NULL, '', '', ?, ?, NULL)`, t1, t2, t2, t2, t3, t3, t1)
	exec(t, d, `INSERT INTO user_identities (id, user_id, provider, subject, email, created_at, last_login_at) VALUES
		(1, 4, 'kakao', '3141592653', 'kim@example.com', ?, ?),
		(3, 4, 'naver', 'nv-Ab3dEf_9', '말랑@예시.한국', ?, NULL),
		(2, 1, 'google', '108234567890123456789', '', ?, ?)`, t1, t2, t2, t3, t1)
	exec(t, d, `INSERT INTO two_factor (user_id, secret_enc, pending_secret_enc, last_step, enabled_at, pending_at, created_at, updated_at) VALUES
		(1, 'v1.k0.c2VjcmV0LWFkbWluLXRvdHA', 'v1.k0.cGVuZGluZy1uZXctcGhvbmU', 58049290, ?, ?, ?, ?),
		(4, '', 'v1.k0.cGVuZGluZy1zZXR1cA', 0, NULL, ?, ?, ?)`, t1, t3, t1, t3, t2, t2, t2)
	exec(t, d, `INSERT INTO two_factor_recovery_codes (id, user_id, code_hash, used_at, created_at) VALUES
		(1, 1, '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', NULL, ?),
		(3, 1, '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752', ?, ?),
		(2, 4, 'fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13', NULL, ?)`, t1, t2, t1, t3)
	exec(t, d, `INSERT INTO honeypot_attempts (id, ip, user_agent, username, created_at) VALUES
		(1, '203.0.113.7', 'python-requests/2.31', 'admin', ?),
		(2, '2001:db8::1', '', '관리자', ?),
		(5, '203.0.113.7', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) "봇"', '', ?)`, t1, t2, t3)
	exec(t, d, `INSERT INTO honeypot_blocks (id, ip, attempts, blocked_at, expires_at, cleared_at, created_at, updated_at) VALUES
		(1, '203.0.113.7', 3, ?, ?, NULL, ?, ?),
		(2, '2001:db8::1', 5, ?, ?, ?, ?, ?)`, t1, t2, t1, t1, t3, t2, t2, t3, t2)
	exec(t, d, `INSERT INTO audit_log (id, actor_id, actor_email, action, target_type, target_id, detail, ip, user_agent, created_at) VALUES
		(1, 1, 'admin@mallang.test', 'user.role_changed', 'user', '4', '{"to": "staff", "from": "customer"}', '203.0.113.7', 'Mozilla/5.0', ?),
		(2, NULL, '', 'dump.loaded', '', '', '{}', '', '', ?),
		(3, 4, 'kim@example.com', 'honeypot.block_cleared', 'ip', '2001:db8::1', '{"memo": "김말랑 해제", "attempts": 5}', '::1', '', ?)`, t1, t2, t3)
	exec(t, d, `INSERT INTO shipping_settings (id, base_fee_minor, free_over_minor, per_seller, currency, created_at, updated_at) VALUES (1, 2500, 0, FALSE, 'KRW', ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO shipping_remote_areas (id, position, name, postcode_from, postcode_to, surcharge_minor, created_at) VALUES
		(2, 0, '제주 ''본섬''', '63000', '63644', 3000, ?),
		(5, 1, '울릉도·독도', '40200', '40240', 0, ?)`, t1, t3)
	exec(t, d, `INSERT INTO carriers (id, code, name, tracking_url_template, active, position, created_at, updated_at) VALUES
		(6, 'kdexp', '경동택배', ?, FALSE, 6, ?, ?),
		(9, 'cvsnet', 'GS Postbox 택배', ?, TRUE, 0, ?, ?)`, "https://carrier.example/track?no={tracking}", t2, t3, "https://carrier.example/p/{tracking}?x=1", t3, t1)
	exec(t, d, `UPDATE carriers SET active = FALSE, name = '로젠택배 (중지)', updated_at = ? WHERE code = 'logen'`, t2)
	exec(t, d, `INSERT INTO coupons (id, code, name, kind, amount, max_discount, min_order, starts_at, ends_at, total_limit, per_customer_limit, used_count, active, created_at, updated_at) VALUES
		(1, 'SPRING-10', '봄맞이 10% 할인', 'percent', 10, 5000, 20000, ?, ?, 100, 1, 2, TRUE, ?, ?),
		(3, 'WELCOME3000', '첫 구매 3,000원 할인 ''웰컴''', 'fixed', 3000, 0, 0, ?, NULL, NULL, 2, 0, FALSE, ?, ?)`, t3, t2, t3, t1, t1, t1, t2)
	exec(t, d, `INSERT INTO coupon_targets (id, coupon_id, category_id, product_id) VALUES
		(1, 1, 2, NULL),
		(2, 1, NULL, 5),
		(4, 3, 1, NULL)`)
	exec(t, d, `INSERT INTO coupon_redemptions (id, coupon_id, user_id, order_id, created_at, released_at) VALUES
		(1, 1, 4, 20250301, ?, NULL),
		(2, 1, 1, 20250302, ?, ?),
		(5, 1, 4, 9007199254740993, ?, NULL)`, t1, t1, t2, t2)
	exec(t, d, `INSERT INTO points_balances (user_id, balance, updated_at) VALUES (4, 1200, ?), (1, 0, ?)`, t2, t3)
	exec(t, d, `INSERT INTO points_entries (id, user_id, kind, amount, balance_after, order_id, memo, expires_at, remaining, actor_id, created_at) VALUES
		(1, 4, 'earn', 1500, 1500, 20250301, '구매 적립 (주문 20250301)', ?, 1000, NULL, ?),
		(2, 4, 'adjust', 500, 2000, NULL, '이벤트 보상 "봄"', NULL, 200, 1, ?),
		(3, 4, 'spend', -800, 1200, 20250302, '', NULL, 0, NULL, ?),
		(5, 1, 'earn', 300, 300, NULL, '출석 체크', ?, 0, NULL, ?),
		(6, 1, 'expire', -300, 0, NULL, '', NULL, 0, NULL, ?)`, t2, t1, t1, t2, t3, t3, t2)
	exec(t, d, `INSERT INTO points_uses (entry_id, lot_id, amount) VALUES (3, 1, 500), (3, 2, 300), (6, 5, 300)`)
	exec(t, d, `INSERT INTO carts (id, user_id, token_hash, created_at, updated_at) VALUES
		(1, 4, NULL, ?, ?),
		(2, NULL, '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', ?, ?)`, t1, t2, t2, t3)
	exec(t, d, `INSERT INTO cart_lines (id, cart_id, variant_id, quantity, selected, created_at, updated_at) VALUES
		(1, 1, 1, 2, TRUE, ?, ?),
		(2, 1, 7, 1, FALSE, ?, ?),
		(3, 2, 2, 3, TRUE, ?, ?)`, t1, t2, t2, t2, t2, t3)
	exec(t, d, `INSERT INTO orders (id, number, user_id, status, channel, idempotency_key, payment_method, recipient_enc, phone_enc, postcode_enc, line1_enc, line2_enc, note_enc, currency, subtotal_minor, discount_minor, coupon_id, shipping_minor, remote_surcharge_minor, points_used, total_minor, points_to_earn, breakdown, pay_by, paid_at, cancelled_at, created_at, updated_at) VALUES
		(1, '20250301-K7QX2M9A', 4, 'paid', 'mobile_web', 'checkout-김-1', 'card', 'v1.k1.Rc1Pt2Qw3Er4Ty5Ui6Op7', 'v1.k1.Ph8As9Df0Gh1Jk2Lz3Xc4Vb5', 'v1.k1.Pc6Nm7Qw8Er9', 'v1.k1.Ln0Ty1Ui2Op3As4Df5Gh6Jk7Lz8', '', 'v1.k1.Nt9Xc0Vb1Nm2Qw3Er4', 'KRW', 25800, 3000, 5, 3000, 3000, 1000, 27800, 278, '{"Lines":[{"Key":"1","VariantID":1,"Name":"말랑 다크초콜릿","UnitPrice":12900,"Quantity":2,"LineTotal":25800,"Discount":3000,"Gift":false}],"Total":27800,"Problems":[]}', NULL, ?, NULL, ?, ?),
		(2, '20250302-ABCDEFGH', 1, 'cancelled', 'api', 'api-2', 'bank_transfer', '', '', '', '', '', '', 'KRW', 5000, 0, NULL, 3000, 0, 0, 8000, 80, '{"Lines":[],"Total":8000}', ?, NULL, ?, ?, ?)`, t2, t1, t3, t2, t3, t1, t2)
	exec(t, d, `INSERT INTO order_lines (id, order_id, variant_id, product_id, seller_id, name, options, sku, unit_price_minor, quantity, line_total_minor, discount_minor, gift, status, created_at, updated_at) VALUES
		(1, 1, 1, 1, 2, '말랑 다크초콜릿', '크기: 대 / 색상: 검정', 'DC-1', 12900, 2, 25800, 3000, FALSE, 'paid', ?, ?),
		(2, 1, 2, 1, 2, '말랑 다크초콜릿 미니', '', 'DC-2', 0, 1, 0, 0, TRUE, 'paid', ?, ?),
		(3, 2, 7, 2, 1, '버터쿠키', '', 'BC-1', 5000, 1, 5000, 0, FALSE, 'cancelled', ?, ?)`, t1, t2, t1, t2, t1, t3)
	exec(t, d, `INSERT INTO order_history (id, order_id, line_id, from_status, to_status, actor_id, actor_kind, reason, created_at) VALUES
		(1, 1, NULL, NULL, 'pending_payment', 4, 'customer', 'placed', ?),
		(2, 1, NULL, 'pending_payment', 'paid', NULL, 'system', '카드 결제', ?),
		(3, 2, 3, 'pending_payment', 'cancelled', 1, 'staff', '고객 요청으로 취소', ?)`, t1, t2, t3)
	exec(t, d, `INSERT INTO shipments (id, order_id, seller_id, carrier_code, tracking_number, shipped_at, delivered_at, created_at, updated_at) VALUES
		(1, 1, 2, 'cj', '123456789012', ?, ?, ?, ?),
		(2, 1, NULL, 'epost', '6896712345678', ?, NULL, ?, ?)`, t2, t3, t2, t3, t3, t3, t3)
	exec(t, d, `INSERT INTO payment_attempts (id, order_id, provider, reference, provider_payment_id, capture_id, status, amount_minor, tax_free_minor, charge_currency, charge_minor, refunded_minor, method, failure_code, failure_message, deposit, deposit_secret_enc, receipt_url, claimed_until, paid_at, created_at, updated_at) VALUES
		(1, 1, 'toss', '20250301-K7QX2M9A-AB12CD', 'tgen_20250301abc', '', 'partially_refunded', 27800, 0, 'KRW', 27800, 5000, '카드', '', '', NULL, '', 'https://dashboard.tosspayments.com/receipt/x', NULL, ?, ?, ?),
		(2, 2, 'bank_transfer', '20250302-ABCDEFGH-ZZ99YY', NULL, '', 'failed', 8000, 0, 'KRW', 8000, 0, '무통장입금', 'EXPIRED', '입금 기한이 지나 주문이 취소되었습니다', '{"bank":"말랑은행","account":"123-456-789","holder":"(주)말랑","due":"2025-03-05T00:00:00Z","depositor":"김 \"말랑\""}', 'v1.k1.Sc1Rt2', '', ?, NULL, ?, ?)`, t2, t1, t3, t2, t2, t3)
	exec(t, d, `INSERT INTO payment_events (id, attempt_id, kind, outcome, summary, response, actor_id, created_at) VALUES
		(1, 1, 'confirm', 'paid', '27800 KRW', '{"status":"DONE","totalAmount":27800}', NULL, ?),
		(2, 1, 'refund', 'ok', '5000 won (tx1)', '', 1, ?),
		(3, 2, 'prepare', 'awaiting_deposit', 'due 2025-03-05', '', NULL, ?)`, t1, t2, t3)
	exec(t, d, `INSERT INTO payment_refunds (id, attempt_id, order_id, amount_minor, tax_free_minor, charge_minor, points, cancel, reason, status, idempotency_key, provider_refund_id, failure_message, actor_id, created_at, updated_at) VALUES
		(1, 1, 1, 5000, 0, 5000, 0, FALSE, '사은품 파손', 'done', 'refund-K7QX2M9A', 'tx1', '', 1, ?, ?)`, t2, t3)
	exec(t, d, `INSERT INTO payment_refund_lines (refund_id, line_id) VALUES (1, 2)`)
	exec(t, d, `INSERT INTO cash_receipts (id, order_id, purpose, identity_enc, requested, amount_minor, tax_free_minor, status, issue_number, issued_at, created_at, updated_at) VALUES
		(1, 2, 'expense_proof', 'v1.k1.Id1Xy2', TRUE, 8000, 0, 'issued', 'NTS-123456789', ?, ?, ?)`, t2, t1, t3)
	exec(t, d, `INSERT INTO returns (id, order_id, user_id, order_number, kind, reason, note, status, fee_minor, refusal, back_carrier, back_tracking, self_sent, resellable, refund_id, exchange_carrier, exchange_tracking, refund_bank, refund_number_enc, refund_holder_enc, created_at, updated_at) VALUES
		(1, 1, 4, '20250301-K7QX2M9A', 'return', 'change_of_mind', '생각과 달라요 "맛"', 'refunded', 6000, '', 'cj', '555566667777', FALSE, TRUE, 1, '', '', '088', 'v1.k1.Rn1', 'v1.k1.Rh2', ?, ?),
		(2, 1, 4, '20250301-K7QX2M9A', 'exchange', 'defect', '', 'refused', 0, '사용 흔적', '', '', TRUE, FALSE, NULL, '', '', '', '', '', ?, ?)`, t1, t2, t2, t3)
	exec(t, d, `INSERT INTO return_lines (return_id, line_id, name, options, quantity, amount_minor, open_line_id) VALUES
		(1, 1, '말랑 다크초콜릿', '크기: 대', 2, 22800, NULL),
		(2, 2, '말랑 다크초콜릿 미니', '', 1, 0, 2)`)
	exec(t, d, `INSERT INTO return_photos (id, return_id, media_key, content_type, created_at) VALUES
		(1, 1, 'returns/ab/abcdef.png', 'image/png', ?)`, t1)
	exec(t, d, `INSERT INTO media_uploads (id, blob_key, kind, uploaded_by, created_at, updated_at) VALUES
		(1, 'products/cd/cdef01.png', 'product', 1, ?, ?),
		(2, 'editor/ef/ef0123.webp', 'editor', NULL, ?, ?)`, t1, t2, t3, t3)
	exec(t, d, `INSERT INTO content_notices (id, title, body, pinned, published, published_at, created_at, updated_at) VALUES
		(1, '설 연휴 "배송" 안내', '<p>쉽니다</p>', TRUE, TRUE, ?, ?, ?), (2, '초안', '<p>x</p>', FALSE, FALSE, NULL, ?, ?)`, t2, t1, t2, t3, t3)
	exec(t, d, `INSERT INTO content_events (id, title, summary, body, image_url, published, starts_at, ends_at, created_at, updated_at) VALUES
		(1, '겨울 세일', '10% 할인', '<p>할인</p>', '/media/events/w.jpg', TRUE, ?, ?, ?, ?)`, t3, t2, t1, t2)
	exec(t, d, `INSERT INTO content_faq_categories (id, name, position, created_at, updated_at) VALUES (2, '배송', 1, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO content_faqs (id, category_id, question, answer, position, published, created_at, updated_at) VALUES
		(1, 2, '언제 오나요?', '<p>이틀</p>', 1, TRUE, ?, ?)`, t1, t3)
	exec(t, d, `INSERT INTO content_pages (id, slug, title, body, published, created_at, updated_at) VALUES
		(1, 'about', '회사 소개', '<p>말랑</p>', TRUE, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO content_banners (id, title, image_url, link_url, alt_text, position, published, starts_at, ends_at, created_at, updated_at) VALUES
		(1, '배너', '/media/b.jpg', '/events/1', '겨울 세일', 1, TRUE, ?, NULL, ?, ?), (2, '지난 배너', 'https://cdn.example/a.jpg', '', '가을', 2, FALSE, ?, ?, ?, ?)`,
		t1, t1, t2, t3, t2, t3, t3)
	exec(t, d, `UPDATE users SET blocked_at = ?, blocked_reason = '허위 주문 "반복"' WHERE id = 4`, t2)
	exec(t, d, `INSERT INTO login_events (id, user_id, method, success, ip, user_agent, created_at, updated_at) VALUES
		(1, 4, 'password', FALSE, '198.51.100.7', 'Mozilla/5.0 (iPhone; "모바일")', ?, ?),
		(2, 1, 'social', TRUE, '2001:db8::1', '', ?, ?)`, t1, t1, t2, t2)
	exec(t, d, `INSERT INTO consent_events (id, user_id, kind, given, version, created_at, updated_at) VALUES
		(1, 4, 'terms', TRUE, 1, ?, ?), (2, 4, 'privacy', TRUE, 1, ?, ?), (3, 4, 'marketing', FALSE, 0, ?, ?)`, t1, t1, t1, t1, t3, t3)
	exec(t, d, `INSERT INTO inquiries (id, user_id, order_id, kind, title, body, status, answer, answered_by, answered_at, created_at, updated_at) VALUES
		(1, 4, 1, 'order', '배송 문의', '언제 와요?' || char(10) || '급해요', 'answered', '내일 도착합니다.', 1, ?, ?, ?),
		(2, 4, NULL, 'other', '기타 ''문의''', '내용', 'open', '', NULL, NULL, ?, ?)`, t2, t1, t2, t3, t3)
	exec(t, d, `INSERT INTO inquiry_photos (id, inquiry_id, media_key, position, created_at, updated_at) VALUES
		(1, 1, 'inquiries/ab/abcdef.png', 0, ?, ?)`, t1, t1)
	exec(t, d, `INSERT INTO attendance_checks (id, user_id, day, streak, points, created_at) VALUES
		(1, 4, '2026-11-30', 1, 10, ?), (2, 4, '2026-12-01', 2, 110, ?)`, t1, t2)
	exec(t, d, `INSERT INTO member_grade_changes (id, user_id, period, from_grade, to_grade, spent, reason, changed_at, created_at) VALUES
		(1, 4, '2026-12', 'welcome', 'silver', 320000, 'evaluation', ?, ?)`, t2, t2)
	exec(t, d, `INSERT INTO reviews (id, line_id, order_id, product_id, user_id, rating, body, points, likes, hidden_at, hidden_by, hidden_reason, created_at, updated_at) VALUES
		(1, 1, 1, 1, 4, 5, '진하고 맛있어요 "최고"' || char(10) || '또 살게요', 500, 1, NULL, NULL, '', ?, ?),
		(2, 2, 1, 1, 4, 1, '별로예요', 0, 0, ?, 1, '욕설', ?, ?)`, t1, t2, t3, t1, t3)
	exec(t, d, `INSERT INTO review_photos (id, review_id, position, media_key, content_type, thumbs_ready, created_at, updated_at) VALUES
		(1, 1, 1, 'reviews/ab/abcdef.png', 'image/png', TRUE, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO review_likes (id, review_id, user_id, created_at) VALUES (1, 1, 1, ?)`, t2)
	exec(t, d, `INSERT INTO review_rewards (id, line_id, user_id, points, created_at) VALUES (1, 1, 4, 500, ?)`, t1)
	exec(t, d, `INSERT INTO review_requests (id, line_id, user_id, created_at) VALUES (1, 1, 4, ?)`, t1)
	exec(t, d, `INSERT INTO stats_orders (order_id, day, channel, method, grade, customer, created_at, updated_at) VALUES
		(1, '2026-11-30', 'pc_web', 'bank_transfer', 'welcome', 'new', ?, ?)`, t1, t1)
	exec(t, d, `INSERT INTO stats_sales (id, day, channel, method, grade, customer, orders, items, gross, coupon, points, shipping, paid, refunds, refund_count, created_at, updated_at) VALUES
		(1, '2026-11-30', 'pc_web', 'bank_transfer', 'welcome', 'new', 1, 2, 30000, 1000, 500, 3000, 31500, 0, 0, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO stats_sales_monthly (id, month, channel, method, grade, customer, orders, items, gross, coupon, points, shipping, paid, refunds, refund_count, created_at, updated_at) VALUES
		(1, '2026-11', 'pc_web', 'bank_transfer', 'welcome', 'new', 1, 2, 30000, 1000, 500, 3000, 31500, 0, 0, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO stats_items (id, day, variant_id, product_id, category_id, sku, name, items, gross, discount, refunded_items, refunds, created_at, updated_at) VALUES
		(1, '2026-11-30', 1, 1, NULL, 'SKU-1', '녹차 "말랑"', 2, 30000, 1000, 0, 0, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO stats_items_monthly (id, month, variant_id, product_id, category_id, sku, name, items, gross, discount, refunded_items, refunds, created_at, updated_at) VALUES
		(1, '2026-11', 1, 1, NULL, 'SKU-1', '녹차 "말랑"', 2, 30000, 1000, 0, 0, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO stats_members (day, members, created_at, updated_at) VALUES ('2026-11-30', 3, ?, ?)`, t1, t1)
	exec(t, d, `INSERT INTO order_notes (id, order_id, author_id, body, created_at) VALUES
		(1, 1, 1, '문 앞 배송 요청' || char(10) || '"경비실" 말고', ?)`, t2)
	exec(t, d, `INSERT INTO automation_sends (kind, subject, user_id, sent_at) VALUES
		('cart_reminder', 'cart:1:2026-11-30T01:00:00Z', 4, ?), ('daily_report', 'report:2026-11-30:boss@example.com', NULL, ?)`, t1, t2)
	exec(t, d, `INSERT INTO automation_runs (kind, ran_at, sent, error) VALUES ('daily_report', ?, 1, ''), ('cart_reminder', ?, 0, 'mail server "down"')`, t2, t3)
	exec(t, d, `UPDATE users SET dormant_at = ? WHERE id = 4`, t3)
	exec(t, d, `INSERT INTO dormant_accounts (user_id, data_enc, last_active_at, created_at) VALUES (4, 'v1.k0.ZG9ybWFudC1yZWNvcmQ', ?, ?)`, t1, t3)
	exec(t, d, `INSERT INTO shipment_uploads (id, staff_id, file_name, file_rows, report, applied_at, created_at) VALUES
		('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 1, '송장 "12월".csv', '[{"row":2,"number":"M-1","carrier":"cj","tracking":"1234-5678-9012"}]', NULL, NULL, ?)`, t2)
	exec(t, d, `INSERT INTO wishes (id, user_id, product_id, created_at) VALUES (1, 4, 1, ?), (2, 1, 1, ?)`, t1, t2)
	exec(t, d, `UPDATE products SET wish_count = 2, question_count = 2 WHERE id = 1`)
	exec(t, d, `INSERT INTO wish_watch (variant_id, product_id, price_minor, available, changes, updated_at) VALUES (1, 1, 11400, TRUE, 2, ?)`, t2)
	exec(t, d, `INSERT INTO wish_alerts (id, product_id, kind, marker, old_price_minor, price_minor, recipients, created_at) VALUES
		(1, 1, 'restock', '1:1', 0, 0, 2, ?), (2, 1, 'price_drop', '1:2', 12000, 11400, 2, ?)`, t1, t2)
	exec(t, d, `INSERT INTO product_questions (id, product_id, user_id, body, private, answer, answered_by, answered_at, created_at, updated_at) VALUES
		(1, 1, 4, '선물 "포장" 돼요?' || char(10) || '급해요', TRUE, '네', 1, ?, ?, ?),
		(2, 1, 4, '유통기한은요?', FALSE, '', NULL, NULL, ?, ?)`, t2, t1, t2, t3, t3)
	exec(t, d, `INSERT INTO messages (id, user_id, dedupe_key, event, template_code, variables, fallback_sms, status, attempts,
		claim, claimed_until, provider_message_id, last_error, sent_at, created_at, updated_at) VALUES
		(1, 4, 'shipped:20261130-0001:1234', 'shipped', 'ORDER_SHIPPED', '{"#{주문번호}":"20261130-0001","#{이름}":"김 \"말랑\""}', TRUE, 'sent', 1,
		'', NULL, 'M4V20261130', '', ?, ?, ?),
		(2, 4, 'delivered:20261130-0001:99', 'delivered', 'ORDER_DELIVERED', '{}', FALSE, 'failed', 2,
		'', NULL, '', 'refused by the provider: ValidationError: 템플릿', NULL, ?, ?)`, t2, t1, t2, t2, t3)
	exec(t, d, `INSERT INTO answer_templates (id, title, body, created_at, updated_at) VALUES
		(3, '배송 지연', '죄송합니다.' || char(10) || '곧 보내 드립니다.', ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO settings (id, version, data, created_at, updated_at) VALUES
		(1, 3, '{"shop_name":"말랑 \"상점\"","business":{"registration":"1234567891"},"payments_off":["paypal"]}', ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO legal_versions (id, document, version, body, effective_at, created_by, created_at, updated_at) VALUES
		(1, 'terms', 1, '제1조 (목적)
첫 줄', ?, 1, ?, ?), (2, 'privacy', 1, '처리방침', ?, NULL, ?, ?)`, t1, t1, t2, t2, t3, t3)
	exec(t, d, `INSERT INTO member_grades (id, code, name, position, earn_permille, min_spend, created_at, updated_at) VALUES (9, 'family', '패밀리 ''VVIP''', 9, 70, 10000000, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO member_grade_assignments (user_id, grade_id, assigned_at) VALUES (4, 9, ?), (1, 2, ?)`, t2, t3)
	exec(t, d, `INSERT INTO promotion_settings (id, points_min_spend, points_max_percent, points_valid_days, created_at, updated_at) VALUES (1, 500, 30, 180, ?, ?)`, t1, t2)
	exec(t, d, `INSERT INTO gift_rules (id, name, threshold, variant_id, quantity, starts_at, ends_at, active, created_at, updated_at) VALUES
		(1, '5만 원 이상 구매 시 쿠키', 50000, 7, 1, ?, NULL, TRUE, ?, ?),
		(3, '봄맞이 "다크" 사은품', 0, 2, 2, ?, ?, FALSE, ?, ?)`, t1, t1, t2, t3, t2, t3, t3)
	exec(t, d, `INSERT INTO rate_limits (id, name, key_hash, window_start, window_end, hits, created_at, updated_at) VALUES
		(1, 'login-ip', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', ?, ?, 3, ?, ?),
		(2, 'login-account', '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', ?, ?, 11, ?, ?)`, t1, t2, t1, t1, t3, t1, t3, t3)
}

// everyTableFilled fails when a table the dump covers has no rows: a new
// migration's table must be added to fillShop so the round trip proves it.
func everyTableFilled(t *testing.T, d *db.DB) {
	t.Helper()
	for name, n := range counts(t, d) {
		if n == 0 {
			t.Errorf("table %s has no rows: add rows for it to fillShop so the dump round trip covers it", name)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	src := newSQLite(t, "source")
	fillShop(t, src)
	everyTableFilled(t, src)
	want := checksums(t, src, jsonColumns...)

	var file, progress bytes.Buffer
	must(t, Dump(ctx, src, &file, &progress))
	if !strings.Contains(progress.String(), "dump products: 3 rows") {
		t.Errorf("dump progress = %q", progress.String())
	}

	mid := dbtest.New(t) // PostgreSQL when MALLANG_TEST_POSTGRES_URL is set
	progress.Reset()
	must(t, Load(ctx, mid, bytes.NewReader(file.Bytes()), &progress))
	if !strings.Contains(progress.String(), "load variants: 3 rows") {
		t.Errorf("load progress = %q", progress.String())
	}
	sameData(t, "sqlite → "+string(mid.Dialect.Engine), want, checksums(t, mid, jsonColumns...))

	var back bytes.Buffer
	must(t, Dump(ctx, mid, &back, nil))
	last := newSQLite(t, "back")
	must(t, Load(ctx, last, bytes.NewReader(back.Bytes()), nil))
	sameData(t, string(mid.Dialect.Engine)+" → sqlite", want, checksums(t, last, jsonColumns...))

	// The file is the same byte for byte after the trip through the other
	// engine and back, and the other engine's dump has the same rows: only
	// the header and table lines, which name the engine and its column
	// types, differ.
	var again bytes.Buffer
	must(t, Dump(ctx, last, &again, nil))
	sameFile(t, "sqlite → "+string(mid.Dialect.Engine)+" → sqlite", file.Bytes(), again.Bytes(), false)
	sameFile(t, "sqlite → "+string(mid.Dialect.Engine), file.Bytes(), back.Bytes(), true)

	// New rows get ids past the loaded ones.
	for _, tc := range []struct {
		insert string
		table  string
		after  int64
	}{
		{`INSERT INTO sellers (slug, name) VALUES ('new', '새 판매자')`, "sellers", 2},
		{`INSERT INTO categories (slug, name) VALUES ('new', '새 분류')`, "categories", 3},
		{`INSERT INTO products (seller_id, category_id, name) VALUES (1, 1, '새 상품')`, "products", 5},
	} {
		for _, d := range []*db.DB{mid, last} {
			exec(t, d, tc.insert)
			var id int64
			must(t, d.Read().GetContext(ctx, &id, `SELECT MAX(id) FROM `+tc.table))
			if id != tc.after+1 {
				t.Errorf("%s: new row in %s got id %d, want %d", d.Dialect.Engine, tc.table, id, tc.after+1)
			}
		}
	}

	// The SQLite search index was rebuilt by the triggers as products went in.
	for _, d := range []*db.DB{mid, last} {
		if d.Dialect.Engine != db.SQLite {
			continue
		}
		var ids []int64
		must(t, d.Read().SelectContext(ctx, &ids, `SELECT rowid FROM product_search WHERE product_search MATCH ? ORDER BY rowid`, `"초콜릿"`))
		if len(ids) != 1 || ids[0] != 1 {
			t.Errorf("search for 초콜릿 after load found %v, want [1]", ids)
		}
	}
}

// sameFile fails the test unless got is want line for line; rowsOnly
// compares only the lines that hold rows.
func sameFile(t *testing.T, label string, want, got []byte, rowsOnly bool) {
	t.Helper()
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	if len(w) != len(g) {
		t.Errorf("%s: the dump has %d lines, want %d", label, len(g), len(w))
		return
	}
	diff := 0
	for i := range w {
		if rowsOnly && strings.HasPrefix(w[i], `{"type":`) {
			continue
		}
		if w[i] != g[i] {
			if diff < 3 {
				t.Errorf("%s: line %d differs:\n got %s\nwant %s", label, i+1, g[i], w[i])
			}
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d lines differ", label, diff)
	}
}

// TestDumpKeepsMicroseconds dumps times a SQLite file holds with
// nanoseconds (written before the shop stored microseconds): the file holds
// them to the microsecond, which is what PostgreSQL can load and give back.
func TestDumpKeepsMicroseconds(t *testing.T) {
	t.Parallel()
	src := newSQLite(t, "source")
	exec(t, src, `INSERT INTO sellers (id, slug, name, created_at, updated_at) VALUES (2, 'old', '옛 판매자', '2025-03-01 10:20:30.123456789+00:00', '2025-03-02 09:00:00.999999999+09:00')`)
	var file bytes.Buffer
	must(t, Dump(t.Context(), src, &file, nil))
	for _, want := range []string{`"2025-03-01T10:20:30.123456Z"`, `"2025-03-02T00:00:00.999999Z"`} {
		if !strings.Contains(file.String(), want) {
			t.Errorf("dump lacks %s:\n%s", want, file.String())
		}
	}
	if strings.Contains(file.String(), "123456789") {
		t.Errorf("dump keeps nanoseconds:\n%s", file.String())
	}
}

func TestDumpIsOneConsistentFile(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	var file bytes.Buffer
	must(t, Dump(context.Background(), d, &file, nil))
	lines := strings.Split(strings.TrimSuffix(file.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], `{"type":"header","format":"mallang-dump","version":1,"schema_version":`) {
		t.Errorf("header = %s", lines[0])
	}
	// A fresh shop holds only the rows its migrations insert (the house
	// seller, the carriers).
	rows := 0
	for _, n := range counts(t, d) {
		rows += n
	}
	if want := fmt.Sprintf(`{"type":"end","table_count":%d,"row_count":%d}`, len(counts(t, d)), rows); lines[len(lines)-1] != want {
		t.Errorf("trailer = %s", lines[len(lines)-1])
	}
	for _, skip := range []string{"goose_db_version", "product_search", "sqlite_sequence", "river_"} {
		if strings.Contains(file.String(), `"`+skip) {
			t.Errorf("dump names %s, which it leaves out", skip)
		}
	}
	// Referenced tables come first.
	order := strings.Index(file.String(), `"name":"sellers"`) < strings.Index(file.String(), `"name":"products"`) &&
		strings.Index(file.String(), `"name":"products"`) < strings.Index(file.String(), `"name":"variants"`)
	if !order {
		t.Errorf("tables out of foreign-key order: %s", lines[0])
	}
}

// jsonColumns hold JSON documents (json on PostgreSQL, which keeps them as
// written); the checksums compare them as JSON, so the byte-for-byte file
// comparison is what proves the text survives.
var jsonColumns = []string{"breakdown", "detail", "deposit"}
