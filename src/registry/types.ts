import type { Template } from '../keys/template.js';

/** A validated key registry (`keydrift.keys.json`). Never executed: only read and parsed. */
export interface Registry {
  /** The file it was read from, as given to the loader. */
  file: string;
  families: RegistryFamily[];
  deprecated: DeprecatedTemplate[];
  /** Key-builder modules, as written (paths relative to the registry file). */
  builders: string[];
  channels: RegistryChannel[];
}

export interface RegistryFamily {
  name: string;
  templateText: string;
  template: Template;
  ttl?: { min?: number; max?: number; none?: boolean };
  invalidatedBy: string[];
  description?: string;
  /** Where the family's name is written in the registry file (1-based): findings point here. */
  position: { line: number; column: number };
}

export interface DeprecatedTemplate {
  templateText: string;
  template: Template;
  replacementText: string;
  replacement: Template;
}

export interface RegistryChannel {
  name: string;
  template: Template;
  invalidates: string[];
}
