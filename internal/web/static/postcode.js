// The Kakao (Daum) postcode search on the address forms (the address book
// and the checkout's new address). The forms work without it: the button
// stays hidden (the stylesheet makes [hidden] win over .button) unless the
// widget's script loads, and the customer types the postcode and address
// by hand.
(function () {
	"use strict";
	var button = document.querySelector("[data-postcode]");
	if (!button) {
		return;
	}
	var script = document.createElement("script");
	script.src = "https://t1.daumcdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js";
	script.onload = function () {
		if (window.daum && window.daum.Postcode) {
			button.hidden = false;
		}
	};
	document.head.appendChild(script);
	button.addEventListener("click", function () {
		if (!(window.daum && window.daum.Postcode)) {
			button.hidden = true;
			return;
		}
		new window.daum.Postcode({
			oncomplete: function (d) {
				// At checkout, a found address is a new address.
				var pick = document.querySelector("[data-postcode-pick]");
				if (pick) {
					pick.checked = true;
				}
				document.getElementById("f-postcode").value = d.zonecode;
				document.getElementById("f-line1").value = d.roadAddress || d.jibunAddress;
				document.getElementById("f-line2").focus();
			}
		}).open();
	});
})();
