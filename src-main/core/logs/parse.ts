// The line parser lives in the contract: the renderer parses a line's message and fields from
// its text when it shows it (see contract/log-lines.ts), with the backend's own rules.
export * from '../../contract/log-parse';
