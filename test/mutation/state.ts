// Which module-level mutant is active (read by the vi.mock wrappers; no imports, so no cycles).
export const mutantState: { active: string | null } = { active: null };
