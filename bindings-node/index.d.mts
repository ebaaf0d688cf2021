// Types of the ES module entry point (index.mjs): the same declarations as the
// CommonJS entry point, whose module object is also the default export.
export * from './index.js'
import * as opsbrain from './index.js'
export default opsbrain
