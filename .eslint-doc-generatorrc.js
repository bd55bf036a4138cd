// eslint-doc-generator (npm run docs / docs:check): the README rules table, each docs/rules/*.md
// header and its options list. It loads the built plugin (package.json "main"), so build first.

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  // One emoji per preset exported by rules/index.ts (the type-checked pair has no default emoji).
  configEmoji: [
    ['recommended', '✅'],
    ['strict', '🔒'],
    ['recommended-type-checked', '☑️'],
    ['strict-type-checked', '🔐'],
  ],
  configFormat: 'name',
  pathRuleDoc: 'docs/rules/{name}.md',
  pathRuleList: ['README.md'],
  // Every page has an "Options" section, also rules without options ("This rule has no options."), so
  // the generator's own check (an Options section only for rules with options) is off; the
  // options list below is still generated, and test/docs.test.ts checks every option is named.
  ruleDocSectionOptions: false,
  ruleDocSectionInclude: ['Options', 'When not to use it'],
  ruleDocNotices: ['description', 'configs', 'fixableAndHasSuggestions', 'requiresTypeChecking', 'options'],
  ruleListColumns: ['name', 'description', 'configsError', 'configsWarn', 'fixable', 'hasSuggestions', 'options', 'requiresTypeChecking'],
  urlConfigs: 'https://github.com/keydrift/eslint-plugin-keydrift#eslint-rules',
};

export default config;
