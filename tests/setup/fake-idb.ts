// Real IndexedDB semantics in Node for unit and integration tests (fake-indexeddb implements the spec).
import 'fake-indexeddb/auto';
