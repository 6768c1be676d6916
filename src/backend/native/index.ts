/** The native backend's public surface. */
export { loadNativeBackend, packageRoot } from './load-native.js';
export { NativeBackendImpl, type NativeBackend, type NativeIsa } from './native-backend.js';
