import { Project } from '../../server/src/core/project';
import { resolveSettings, type Settings } from '../../server/src/core/settings';
import { memoryHost, parseFixture, type Fixture, type MemoryHost } from './fixture';

export interface FixtureProject {
  fixture: Fixture;
  host: MemoryHost;
  project: Project;
  /** Names of the units of `rel` that no test exercises, in file order. */
  untested(rel: string): string[];
}

export function fixtureProject(text: string, settings: Partial<Settings> = {}): FixtureProject {
  const fixture = parseFixture(text);
  const host = memoryHost(fixture.files);
  const project = new Project(fixture.root, host, resolveSettings([{ origin: 'test', value: settings }]).settings);
  project.scan();
  return {
    fixture,
    host,
    project,
    untested: (rel) => project.findings(fixture.path(rel)).value.map((f) => f.unit.name),
  };
}
