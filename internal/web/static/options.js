// The product page's option selects (see internal/web/options.go). Choosing
// a value narrows the selects after it to the combinations that exist with
// it, disables and marks the sold-out ones, and shows the chosen variant's
// price and stock in place. Without this script the page works the same
// through the server: its "show" button reloads the page with the values.
(function () {
	"use strict";
	var form = document.querySelector("[data-options]");
	var dataEl = document.getElementById("product-options");
	if (!form || !dataEl) {
		return;
	}
	var data = JSON.parse(dataEl.textContent);
	var selects = data.positions.map(function (p) {
		return form.querySelector('select[name="option' + p + '"]');
	});
	if (selects.some(function (s) { return !s; })) {
		return;
	}
	var show = form.querySelector("[data-option-show]");
	if (show) {
		show.parentNode.hidden = true; // the selects answer at once
	}
	var price = document.querySelector('.product-info [data-testid="price"]');
	var avail = document.querySelector("[data-availability]");
	var chosenLine = form.querySelector("[data-selected]");

	// matches reports whether variant v has the values c chooses in the
	// first n selects.
	function matches(v, c, n) {
		for (var i = 0; i < n; i++) {
			if (c[i] && v.values[data.positions[i] - 1] !== c[i]) {
				return false;
			}
		}
		return true;
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) {
			e.className = cls;
		}
		e.textContent = text;
		return e;
	}

	// showPrice writes entry e's price as the price component does.
	function showPrice(e) {
		if (!price) {
			return;
		}
		price.textContent = "";
		if (e.onSale) {
			price.appendChild(el("span", "discount", e.discount));
			price.appendChild(el("span", "visually-hidden", data.priceNow));
			price.appendChild(el("strong", "now", e.now));
			price.appendChild(el("span", "visually-hidden", data.priceRegular));
			price.appendChild(el("s", "regular", e.regular));
		} else {
			price.appendChild(el("strong", "now", e.now));
		}
	}

	function refresh() {
		var c = selects.map(function (s) { return s.value; });
		selects.forEach(function (sel, k) {
			var p = data.positions[k] - 1;
			Array.prototype.forEach.call(sel.options, function (opt) {
				if (!opt.value) {
					return; // the placeholder
				}
				var exists = false;
				var best = null;
				data.variants.forEach(function (v) {
					if (v.values[p] !== opt.value || !matches(v, c, k)) {
						return;
					}
					exists = true;
					if (v.buyable && (best === null || v.price < best.price)) {
						best = v;
					}
				});
				var label = opt.value;
				if (!exists) {
					label += " (" + data.none + ")";
				} else if (!best) {
					label += " (" + data.soldOut + ")";
				} else if (best.delta) {
					label += " (" + best.delta + ")";
				}
				opt.textContent = label;
				opt.disabled = !best;
			});
			var cur = sel.options[sel.selectedIndex];
			if (cur && cur.value && cur.disabled) {
				sel.value = ""; // no longer a combination one can buy
				c[k] = "";
			}
		});
		var v = null;
		if (c.every(Boolean)) {
			v = data.variants.find(function (x) { return matches(x, c, c.length) && x.buyable; }) || null;
		}
		showPrice(v || data.lead);
		if (avail) {
			avail.hidden = !v;
			var dd = avail.querySelector("dd");
			if (v && dd) {
				dd.textContent = v.stock;
				dd.className = "stock" + (v.low ? " stock-low" : "");
			}
		}
		if (chosenLine) {
			chosenLine.hidden = !v;
			if (v) {
				chosenLine.textContent = data.selected + ": " + v.label + (v.sku ? " (" + data.sku + " " + v.sku + ")" : "");
			}
		}
	}

	selects.forEach(function (s) {
		s.addEventListener("change", refresh);
	});
	refresh();
})();
