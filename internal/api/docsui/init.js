// Renders the OpenAPI document named by #swagger-ui's data-url. validatorUrl
// is null so Swagger UI does not send the document to validator.swagger.io:
// the page loads nothing from another host.
(function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.dataset.url,
    domNode: el,
    validatorUrl: null,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    displayOperationId: true
  });
})();
