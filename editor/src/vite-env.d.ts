// Types for Vite's import forms used by the editor (?worker imports, JSON modules).
/// <reference types="vite/client" />
