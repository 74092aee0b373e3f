// Opens a payment provider's window with its browser SDK, from the
// parameters the server put in #pay-params. Toss Payments (SDK v2) sends
// the browser to successUrl or failUrl itself; PortOne resolves a promise
// on a computer (and redirects on a phone), so its answer is turned into the
// same two addresses here. The server trusts neither: it asks the provider.
(function () {
  "use strict";
  var el = document.getElementById("pay-params");
  if (!el) { return; }
  var cfg = JSON.parse(el.textContent);
  var status = document.getElementById("pay-status");
  var button = document.getElementById("pay-open");

  function fail(code, message) {
    var q = new URLSearchParams({ code: code || "PAY_PROCESS_ABORTED", message: message || "" });
    window.location.assign(cfg.failUrl + "?" + q.toString());
  }

  function openToss() {
    var p = cfg.params;
    var toss = window.TossPayments(p.clientKey);
    var payment = toss.payment({ customerKey: p.customerKey || window.TossPayments.ANONYMOUS });
    var req = {
      method: p.method || "CARD", amount: p.amount, orderId: p.orderId, orderName: p.orderName,
      successUrl: new URL(p.successUrl, window.location.href).href,
      failUrl: new URL(p.failUrl, window.location.href).href
    };
    if (p.customerEmail) { req.customerEmail = p.customerEmail; }
    if (p.customerName) { req.customerName = p.customerName; }
    if (p.taxFreeAmount) { req.taxFreeAmount = p.taxFreeAmount; }
    // A virtual account: the window opens on it, with the shop's deadline.
    if (p.virtualAccount) { req.virtualAccount = p.virtualAccount; }
    return payment.requestPayment(req).catch(function (e) {
      if (e && e.code === "USER_CANCEL") { status.textContent = ""; return; }
      fail(e && e.code, e && e.message);
    });
  }

  function openPortOne() {
    return window.PortOne.requestPayment(cfg.params).then(function (res) {
      if (!res) { return; }
      if (res.code) { fail(res.code, res.message); return; }
      window.location.assign(cfg.returnUrl + "?paymentId=" + encodeURIComponent(res.paymentId || cfg.params.paymentId));
    }, function (e) { fail(e && e.code, e && e.message); });
  }

  function open() {
    try {
      if (cfg.kind === "toss" && window.TossPayments) { return openToss(); }
      if (cfg.kind === "portone" && window.PortOne) { return openPortOne(); }
    } catch (e) {
      fail("SDK_ERROR", String(e && e.message || e));
      return;
    }
    status.textContent = status.getAttribute("data-unavailable") || "";
  }

  button.addEventListener("click", open);
  if (document.readyState === "complete") { open(); } else { window.addEventListener("load", open); }
})();
