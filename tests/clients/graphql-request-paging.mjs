// A stock client (graphql-request) pages through every article with Relay cursors.
import { GraphQLClient, gql } from 'graphql-request';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/graphql';
const client = new GraphQLClient(url);
const page = gql`
  query Page($after: String) {
    articles(first: 7, after: $after) {
      totalCount
      edges { cursor node { id slug } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

let after = null;
let total = 0;
const seen = [];
do {
  const data = await client.request(page, { after });
  total = data.articles.totalCount;
  seen.push(...data.articles.edges.map((edge) => edge.node.slug));
  after = data.articles.pageInfo.hasNextPage ? data.articles.pageInfo.endCursor : null;
} while (after);

const unique = new Set(seen).size;
const ok = seen.length === total && unique === total && total > 0;
console.log(`graphql-request paging: ${seen.length} articles, ${unique} unique, totalCount ${total}`);
console.log(`graphql-request paging: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
