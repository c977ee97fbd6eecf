// The arrows of the architecture, checked by `npm test` (DESIGN.md, STYLE.md):
// domain → pure stages → I/O → pipeline → server/cli → main. Plugins are the folders under
// src/sources/ and src/notify/ that hold one source kind or one channel kind; what several
// plugins share lives on the ground floor (src/domain, src/sources/runtime, src/sources/source.ts), and
// the record formats several sources read (CloudTrail records, Kubernetes audit events and
// objects) are pure stages in src/formats/: the webhook, the live sources, EKS/AKS/GKE deliveries
// and `gitrail ingest` all turn their input into the same changes through them.
// Violations that predate this file are listed in .dependency-cruiser-known-violations.json and
// reported as warnings; any new one fails the build.
const PLUGIN_FOLDERS = '^src/(sources|notify)/(?!runtime/)[^/]+/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-of-main',
      comment: 'main.ts only wires; nothing depends on it.',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle between modules means two modules are one, or an arrow points the wrong way.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing',
      comment: 'The domain is the ground floor: it imports only itself and node built-ins.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'pure-stage-not-to-plugin',
      comment: 'A pure stage (formats, normalise, policy, investigate) never imports a source or channel plugin.',
      severity: 'error',
      from: { path: '^src/(formats|normalise|policy|investigate)/' },
      to: { path: PLUGIN_FOLDERS },
    },
    {
      name: 'pure-stage-not-to-io',
      comment: 'A pure stage never imports the ledger, index, journal, server or daemon.',
      severity: 'error',
      from: { path: '^src/(domain|formats|normalise|policy)/' },
      to: { path: '^src/(ledger|index|journal|server|daemon|cli|mirror|cluster)/' },
    },
    {
      name: 'plugin-not-to-plugin',
      comment: 'A plugin never imports another plugin; shared code moves to the ground floor.',
      severity: 'error',
      from: { path: '^src/(sources|notify)/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: PLUGIN_FOLDERS, pathNot: '^src/$1/$2/' },
    },
    {
      name: 'nothing-to-cli-or-server',
      comment: 'server/ and cli/ are entry points: only main.ts and other entry points import them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(server|cli|main(-cluster)?\\.ts)' },
      to: { path: '^src/(server|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^node_modules|__fixtures__|\\.test\\.ts$)' },
    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
