import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "app/generated/", "node_modules/", "tests/.tmp/", ".data/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A `let` that a shutdown closure reads before the one assignment below it is not a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
);
