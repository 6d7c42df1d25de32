import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";

/** The corpus: TypeScript macros under test/corpus, each `<topic>.ts` with its `<topic>.cases.json`. */
export const CORPUS_DIR = join(REPO_ROOT, "test", "corpus");
