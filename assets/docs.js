// Shows this server's own openapi.yaml with Redoc, from assets the server
// itself sends (no CDN), so it works offline and under a strict CSP.
Redoc.init('/openapi.yaml', { hideDownloadButton: false, expandResponses: '200,201' },
  document.getElementById('redoc'));
