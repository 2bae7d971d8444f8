;;; testgap-lsp-mode.el --- testgap with lsp-mode, beside your TypeScript server  -*- lexical-binding: t -*-
;;
;; (load "/path/to/client-examples/emacs/testgap-lsp-mode.el")
;; then M-x lsp (or `lsp-deferred' in the mode hooks) in a TypeScript or JavaScript buffer.
;;
;; testgap is registered as an add-on (`:add-on? t'): lsp-mode starts it next to the main server of the buffer
;; (ts-ls, deno, …) instead of picking one of them, so diagnostics of both show and `lsp-execute-code-action'
;; offers both servers' actions.  Settings: the `testgap-settings' plist (buffer-local, e.g. from .dir-locals.el),
;; sent in workspace/configuration and didChangeConfiguration.

;;; Code:

(require 'lsp-mode)

(defgroup testgap nil "testgap: missing tests and coverage, from a language server." :group 'tools)

(defcustom testgap-command nil
  "Command that starts the testgap language server, as a list.
nil means the project's node_modules/.bin/testgap when it exists, else testgap on PATH."
  :type '(choice (const nil) (repeat string)))

(defcustom testgap-settings nil
  "Settings for the testgap server (a plist, keys as in protocol.md: (:coverageTargets (:unit 90)))."
  :type 'plist
  :safe #'listp)

(defvar testgap-coverage nil
  "Params of the last `testgap/coverage' notification (a hash table), for mode lines and commands.")

(defun testgap--server-command ()
  "The command line for the testgap server of the current project."
  (or testgap-command
      (let* ((root (locate-dominating-file default-directory "package.json"))
             (local (and root (expand-file-name "node_modules/.bin/testgap" root))))
        (list (if (and local (file-executable-p local)) local "testgap") "lsp" "--stdio"))))

(defun testgap--on-coverage (_workspace params)
  "Keep the figures of `testgap/coverage' and say them in the echo area."
  (setq testgap-coverage params)
  (let ((total (gethash "total" params)))
    (if (or (eq (gethash "stale" params) t) (null total))
        (lsp--info "testgap: measuring coverage…")
      (lsp--info "testgap: %s %% of lines, %s %% of branches covered"
                 (gethash "pct" (gethash "lines" total))
                 (gethash "pct" (gethash "branches" total))))))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection #'testgap--server-command)
  :activation-fn (lsp-activate-on "typescript" "typescriptreact" "javascript" "javascriptreact")
  :server-id 'testgap
  :add-on? t
  :priority -2
  :notification-handlers (let ((h (make-hash-table :test 'equal)))
                           (puthash "testgap/coverage" #'testgap--on-coverage h)
                           h)
  ;; workspace/configuration: lsp-mode answers from this hash of section → settings.
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration `(:testgap ,(or testgap-settings (make-hash-table))))))))

(provide 'testgap-lsp-mode)
;;; testgap-lsp-mode.el ends here
