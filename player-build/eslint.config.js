// ESLint (flat config) for the player's sources, its unit tests and the build script.
// deckgl.min.js and the generated player.js are build outputs, not linted.
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['src/player/**/*.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: {...globals.browser}},
  },
  {
    files: ['test/**/*.js', 'build-player.mjs', 'layer-props.mjs', 'eslint.config.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: {...globals.node}},
  },
  {
    rules: {
      'no-unused-vars': ['error', {caughtErrors: 'none'}],
      'eqeqeq': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {ignores: ['node_modules/', 'src/deck-entry.js']},
];
