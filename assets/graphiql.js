// Starts GraphiQL against this server's /graphql, from assets the server
// itself sends (no CDN), so it works offline and under a strict CSP.
const fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultEditorToolbarTabs: true }),
);
