// Azure's JavaScript client, @azure/ai-language-text 1.1.0 (package.json), unchanged, against the studio: one
// beginAnalyzeBatch job with a CustomEntityRecognition action per string index type, on emoji text. The client sends
// no stringIndexType unless told (its docs call Utf16CodeUnit its default), so the action without one gets the
// REST API's default, TextElements_v8 (grapheme clusters), as from Azure.
// Prints one JSON line, every entity with the action's offsets, for tests/modeling/test_js_sdk.py to check against
// the text. Environment: LANGUAGE_ENDPOINT, LANGUAGE_API_KEY, CUSTOM_ENTITIES_PROJECT_NAME,
// CUSTOM_ENTITIES_DEPLOYMENT_NAME (the names Azure's JavaScript samples use).
import { AzureKeyCredential, TextAnalysisClient } from "@azure/ai-language-text";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const documents = [
  "Ana López 👩‍👩‍👧 agrees to repay $1,200 to Contoso Finance 😀 in monthly installments.",
  "This loan agreement is made between Acme Bank and Wei Zhang for $5,000.",
  "😀😀 Fabrikam Lending lends €40,000 to Priya Natarajan. The borrower shall pay interest.",
].map((text, i) => ({ id: String(i), text, language: "en" }));

// The test's studio listens on plain http on localhost: the client's documented option for such an endpoint (its
// pipeline refuses http otherwise), as for Azure's own Language containers.
const client = new TextAnalysisClient(env("LANGUAGE_ENDPOINT"), new AzureKeyCredential(env("LANGUAGE_API_KEY")), {
  allowInsecureConnection: true,
});
const target = {
  kind: "CustomEntityRecognition",
  projectName: env("CUSTOM_ENTITIES_PROJECT_NAME"),
  deploymentName: env("CUSTOM_ENTITIES_DEPLOYMENT_NAME"),
};
const actions = [
  { ...target, actionName: "TextElements_v8" },
  { ...target, actionName: "Utf16CodeUnit", stringIndexType: "Utf16CodeUnit" }, // JavaScript string indices
  { ...target, actionName: "UnicodeCodePoint", stringIndexType: "UnicodeCodePoint" },
];
const poller = await client.beginAnalyzeBatch(actions, documents, "en", { updateIntervalInMs: 250 });
const results = await poller.pollUntilDone();

const found = [];
for await (const action of results) {
  if (action.error) throw new Error(`action ${action.actionName} failed: ${action.error.message}`);
  if (action.kind !== "CustomEntityRecognition") throw new Error(`unexpected action kind ${action.kind}`);
  for (const result of action.results) {
    if (result.error) throw new Error(`document ${result.id}: ${result.error.message}`);
    for (const entity of result.entities) {
      const { text, category, offset, length, confidenceScore } = entity;
      found.push({ action: action.actionName, id: result.id, text, category, offset, length, confidenceScore });
    }
  }
}
console.log(JSON.stringify({ status: poller.getOperationState().status, documents, entities: found }));
