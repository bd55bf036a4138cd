/**
 * A run without types, one group of files at a time, in import order (the whole project, or
 * one part of it: a referenced project, a shard, the files some paths name):
 *
 *   1. files are visited depth first along their imports (Tarjan's algorithm), so a file comes
 *      after everything it imports; files importing each other form one group; the files that
 *      import a group are visited right after it;
 *   2. each group is parsed, walked once by discovery and the write scan, and its sites and write
 *      facts are turned into plain data at once;
 *   3. a tree is dropped once its file is analysed and so is every file importing it (guessed
 *      from the texts before any parse, and as met on the way).
 *
 * Most files of a service are imported by none (handlers, jobs, services): each one's tree dies
 * young, before V8 would copy it into the old generation, instead of all of them staying alive to
 * the end of discovery. That copying was a quarter of an untyped run. A module many files import
 * stays until the last of them is done, so it is parsed once.
 *
 * The result is the same as one discovery over every file: without types, a call reaches a
 * wrapper, a key builder or a client only through imports, so everything a group's calls can
 * reach was walked before it (CallDiscovery keeps the wrappers and their layers) and is still
 * loaded (TreeLifetimes). A file dropped and imported later after all is parsed again and walked
 * for its wrappers only; its sites were taken the first time.
 */
import ts from '#typescript';
import { createClientContext, type ExtraClientPackages } from '../redis/clients.js';
import { clearNodeCaches } from '../resolve/node-caches.js';
import { CallDiscovery } from './discover.js';
import { openStreamedProject, type LoadProblem, type ProjectPart, type ProjectPlan, type SharedFiles } from './project.js';
import type { CheckSite } from './site.js';
import { collectWriteFacts, WriteScan, type WriteFacts } from './write-facts.js';
import { locator, nodeIds, toCheckSite } from './analyze.js';
import { templateInterner } from '../keys/detached.js';

export interface StreamedCollection {
  sites: CheckSite[];
  writes: WriteFacts;
  problems: LoadProblem[];
  loadedFileNames: string[];
}

interface Visit {
  index: number;
  low: number;
  onStack: boolean;
}

/**
 * The sites, write facts and load problems of a project's files, or of one part of them (a
 * referenced project, a shard, the files some paths name): the part's files are analysed, the
 * project files they import are walked for wrappers only, as loadProject's `withImported` gives
 * them to discovery. `shared` hands the imported files on from part to part.
 */
export function collectStreamed(
  plan: ProjectPlan,
  part: ProjectPart | undefined,
  shared: SharedFiles | undefined,
  relative: (file: string) => string,
  clientPackages: ExtraClientPackages | undefined,
  onProgress?: (done: number, total: number) => void,
): StreamedCollection {
  const ownNames = part?.fileNames ?? plan.fileNames;
  const rank = new Map(plan.fileNames.map((f, i) => [f, i]));
  const isOwn: { has(fileName: string): boolean } = part ? new Set(ownNames) : rank;
  const project = openStreamedProject(plan, part?.compilerOptions ?? plan.compilerOptions, shared);
  const ctx = createClientContext(project.graph, undefined, clientPackages);
  // Files walked for their sites (the first time) rather than only for their wrappers (again).
  const reporting = new Set<ts.SourceFile>();
  const recognized = new WeakSet<ts.Node>();
  const scan = new WriteScan((file) => reporting.has(file));
  const discovery = new CallDiscovery(ctx, recognized, scan);
  const locate = locator(relative);
  const ids = nodeIds(relative);
  const intern = templateInterner();

  const sites: CheckSite[] = [];
  const writes: WriteFacts = { functions: [], localCaches: [] };
  const problems = new Map<string, LoadProblem>();
  // Files analysed and dropped: imported later after all, they are walked again for wrappers only.
  const dropped = new Set<string>();
  const lifetimes = new TreeLifetimes();
  // Who will import whom, guessed from the texts before any parse: a file shared by many stays
  // loaded until the last of them is analysed instead of being parsed again for each.
  for (const fileName of ownNames) lifetimes.imports(fileName, project.guessImports(fileName));
  let done = 0;

  const analyseGroup = (members: ts.SourceFile[]): void => {
    const walked: ts.SourceFile[] = [];
    for (const sf of members) {
      if (!rank.has(sf.fileName)) continue; // followed through, never analysed (outside the project)
      if (!isOwn.has(sf.fileName) || dropped.has(sf.fileName)) {
        // Another part's file this part imports, or one of its own imported after it was dropped.
        if (!project.problemOf(sf.fileName)) walked.push(sf);
        continue;
      }
      done++;
      const problem = project.problemOf(sf.fileName);
      if (problem) problems.set(sf.fileName, problem);
      else {
        walked.push(sf);
        reporting.add(sf);
      }
    }
    walked.sort((a, b) => rank.get(a.fileName)! - rank.get(b.fileName)!);
    const own = new Set(walked.filter((sf) => reporting.has(sf)));
    const siteFunctions = new Set<ts.Node>();
    for (const draft of discovery.add(walked, own)) {
      sites.push(toCheckSite(draft, relative, ids, intern));
      if (draft.fn) siteFunctions.add(draft.fn);
    }
    if (own.size > 0) {
      const facts = collectWriteFacts([...own], own, ctx, locate, { scan, isRedisCall: (call) => recognized.has(call), siteFunctions });
      for (const fn of facts.functions) writes.functions.push(fn);
      for (const cache of facts.localCaches) writes.localCaches.push(cache);
    }
    scan.forget(walked);
    for (const sf of own) reporting.delete(sf);
    // The files waiting on this group come next (see the roots loop below).
    for (const sf of members) {
      for (const importer of lifetimes.importersOf(sf.fileName)) if (isOwn.has(importer) && !visits.has(importer) && !dropped.has(importer)) next.push(importer);
    }
    // Another part's files are handed on (`shared`), never dropped.
    const leaving = lifetimes.analysed(members.filter((sf) => isOwn.has(sf.fileName)).map((sf) => sf.fileName));
    if (leaving.length > 0) {
      const trees = new Set<ts.SourceFile>();
      for (const fileName of leaving) {
        const sf = project.loadedFile(fileName);
        if (sf) trees.add(sf);
        project.forget(fileName);
        visits.delete(fileName);
        dropped.add(fileName);
      }
      discovery.forget(trees);
      // Cached lookups point into the dropped trees: a new generation lets them go (node-caches.ts).
      clearNodeCaches();
    }
    onProgress?.(done, ownNames.length);
  };

  // Tarjan's strongly connected components, without recursion (import chains can be long).
  // By name, not tree: a dropped tree must not be kept alive here, and a file parsed again is new.
  const visits = new Map<string, Visit>();
  const stack: ts.SourceFile[] = [];
  let counter = 0;
  const strongConnect = (root: ts.SourceFile): void => {
    const frames: { file: ts.SourceFile; edges: ts.SourceFile[]; next: number }[] = [];
    const enter = (file: ts.SourceFile) => {
      visits.set(file.fileName, { index: counter, low: counter, onStack: true });
      counter++;
      stack.push(file);
      const edges = project.imports(file);
      lifetimes.imports(file.fileName, edges.map((target) => target.fileName));
      frames.push({ file, edges, next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const visit = visits.get(frame.file.fileName)!;
      if (frame.next < frame.edges.length) {
        const target = frame.edges[frame.next++];
        const seen = visits.get(target.fileName);
        if (!seen) enter(target);
        else if (seen.onStack) visit.low = Math.min(visit.low, seen.index);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) {
        const parentVisit = visits.get(parent.file.fileName)!;
        parentVisit.low = Math.min(parentVisit.low, visit.low);
      }
      if (visit.low === visit.index) {
        const members: ts.SourceFile[] = [];
        let member: ts.SourceFile;
        do {
          member = stack.pop()!;
          visits.get(member.fileName)!.onStack = false;
          members.push(member);
        } while (member !== frame.file);
        analyseGroup(members);
      }
    }
  };

  // Roots in the project's order, except that the files importing a group just analysed are
  // taken next: the group's trees then go soon after them, before V8 copies them into the old
  // generation (in file order, a module waited for importers hundreds of files apart: ~90 MB
  // more promoted on the bench's 5,000 files). The order does not change the result (see above).
  const next: string[] = [];
  for (const first of ownNames) {
    next.push(first);
    while (next.length > 0) {
      const fileName = next.pop()!;
      if (visits.has(fileName) || dropped.has(fileName) || problems.has(fileName)) continue;
      const sf = project.sourceFile(fileName);
      if (!sf) {
        done++;
        problems.set(fileName, project.problemOf(fileName)!);
        continue;
      }
      strongConnect(sf);
    }
  }

  // What this part imported from other parts: later parts importing them too parse them no more.
  if (shared) for (const sf of project.loaded()) if (!isOwn.has(sf.fileName)) shared.set(sf.fileName, sf);
  return {
    sites,
    writes,
    // A broken tsconfig is reported with the whole project, as loadProject does (a part's run reports it once).
    problems: [...(part ? [] : plan.problems), ...ownNames.flatMap((f) => problems.get(f) ?? [])],
    loadedFileNames: project.loadedFileNames(),
  };
}

const NO_FILES: readonly string[] = [];

/**
 * When a tree may go. A call resolves through the files its file imports, and through theirs:
 * a tree must stay loaded while any file that imports it, directly or not, is still to be
 * analysed. So a file is released once it is analysed and every file importing it is released,
 * importers counted both as guessed from the texts and as met on the way (a guess can miss one:
 * the file is then parsed again when met, as a file imported after it was dropped). Files
 * importing each other are analysed together and count as released to one another then.
 */
class TreeLifetimes {
  /** File → the files importing it that are not released yet. */
  private readonly importers = new Map<string, Set<string>>();
  /** File → the files it imports, guessed or met. */
  private readonly importsOf = new Map<string, Set<string>>();
  /** Analysed and waiting for importers. */
  private readonly waiting = new Set<string>();

  /** Imports of a file (guessed, or met when it was visited). */
  imports(fileName: string, targets: readonly string[]): void {
    let own = this.importsOf.get(fileName);
    if (!own) this.importsOf.set(fileName, (own = new Set()));
    for (const target of targets) {
      if (target === fileName || own.has(target)) continue;
      own.add(target);
      let importers = this.importers.get(target);
      if (!importers) this.importers.set(target, (importers = new Set()));
      importers.add(fileName);
    }
  }

  /** The files importing `fileName` that are not released yet. */
  importersOf(fileName: string): Iterable<string> {
    return this.importers.get(fileName) ?? NO_FILES;
  }

  /** A group of files has been analysed: the files that may be dropped now. */
  analysed(group: readonly string[]): string[] {
    for (const fileName of group) {
      const importers = this.importers.get(fileName);
      if (importers) for (const member of group) importers.delete(member);
      this.waiting.add(fileName);
    }
    const released: string[] = [];
    const queue = group.filter((fileName) => this.releasable(fileName));
    while (queue.length > 0) {
      const fileName = queue.pop()!;
      if (!this.waiting.delete(fileName)) continue;
      released.push(fileName);
      this.importers.delete(fileName);
      for (const target of this.importsOf.get(fileName) ?? []) {
        const importers = this.importers.get(target);
        if (!importers) continue;
        importers.delete(fileName);
        if (importers.size === 0 && this.waiting.has(target)) queue.push(target);
      }
      // Parsed again later, the file is met again and its imports with it.
      this.importsOf.delete(fileName);
    }
    return released;
  }

  private releasable(fileName: string): boolean {
    return (this.importers.get(fileName)?.size ?? 0) === 0;
  }
}
