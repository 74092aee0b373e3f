// The Kakao (Daum) postcode search on the address form. The form works
// without it: the button stays hidden unless the widget's script loads, and
// the customer types the postcode and address by hand.
(function () {
	"use strict";
	var button = document.querySelector("[data-postcode]");
	if (!button) {
		return;
	}
	var script = document.createElement("script");
	script.src = "https://t1.daumcdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js";
	script.onload = function () {
		button.hidden = false;
	};
	document.head.appendChild(script);
	button.addEventListener("click", function () {
		new window.daum.Postcode({
			oncomplete: function (d) {
				document.getElementById("f-postcode").value = d.zonecode;
				document.getElementById("f-line1").value = d.roadAddress || d.jibunAddress;
				document.getElementById("f-line2").focus();
			}
		}).open();
	});
})();
