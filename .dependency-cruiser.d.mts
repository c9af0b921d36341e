import type { IConfiguration, IForbiddenRuleType } from 'dependency-cruiser';

declare const layers: IConfiguration & { forbidden: IForbiddenRuleType[] };
export default layers;
export declare const KNOWN_EXCEPTIONS: Record<string, string>;
