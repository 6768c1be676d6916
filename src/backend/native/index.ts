/** The native backend's public surface. */
export { loadNativeBackend, packageRoot } from './load-native.js';
export { NativeBackendImpl, type NativeBackend, type IsaChoice, type NativeIsa, type WinogradTile } from './native-backend.js';
