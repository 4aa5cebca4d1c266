import type { BuildOptions, Plugin } from 'esbuild';
export declare const BUNDLED_PACKAGES: string[];
export declare const externalPackages: Plugin;
export declare const bundleOptions: BuildOptions;
