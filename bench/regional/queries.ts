/**
 * The cross-region person lookup every regional workload sends, as a request body.
 * `records { … name … }` makes the gateway join the index part (who holds the person)
 * with the records part (each region's record), which is the shape officers use.
 */
const PERSON = `query PersonLookup($id: String!, $regions: [String!]) {
  person(idNumber: $id, regions: $regions) { idNumber birthDate sex regions wanted records { id name birthDate sex } }
}`;

/** What one subgraph's index part alone can answer: the same lookup, record ids only. */
const PERSON_INDEX_ONLY = `query PersonLookup($id: String!) {
  person(idNumber: $id) { idNumber birthDate sex regions wanted records { id } }
}`;

const SEARCH = `query PersonSearch($filter: PersonFilter!, $regions: [String!]) {
  searchPersons(filter: $filter, regions: $regions, first: 20) { edges { node { idNumber regions } } pageInfo { hasNextPage } }
}`;

export function personLookup(idNumber: string, regions?: string[]): string {
  return JSON.stringify({ query: PERSON, operationName: 'PersonLookup', variables: { id: idNumber, ...(regions ? { regions } : {}) } });
}

export function personLookupIndexOnly(idNumber: string): string {
  return JSON.stringify({ query: PERSON_INDEX_ONLY, operationName: 'PersonLookup', variables: { id: idNumber } });
}

export function personSearch(namePrefix: string, regions?: string[]): string {
  return JSON.stringify({
    query: SEARCH,
    operationName: 'PersonSearch',
    variables: { filter: { name: `${namePrefix}*` }, ...(regions ? { regions } : {}) },
  });
}
