// The bundled dataset keel trains its first model from. Imported as files so
// `bun build --compile` embeds them: the single binary bootstraps with no
// data/ folder beside it. (Running from source, these are the files' paths.)

import data from "../../data/seattle-weather.csv" with { type: "file" };
import spec from "../../data/seattle-weather.spec.json" with { type: "file" };

export const BUNDLED_DATA: string = data;
// TypeScript types a .json import as its content; with `type: "file"` Bun gives its path.
export const BUNDLED_SPEC = spec as unknown as string;
