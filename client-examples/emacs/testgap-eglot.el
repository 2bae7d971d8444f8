;;; testgap-eglot.el --- testgap with Eglot (Emacs 29+, or Emacs 28 with the eglot package)  -*- lexical-binding: t -*-
;;
;; (load "/path/to/client-examples/emacs/testgap-eglot.el")
;; then M-x eglot in a TypeScript or JavaScript buffer (or add `eglot-ensure' to the mode hooks).
;;
;; Eglot runs one server per buffer: with this file, TypeScript buffers get testgap *instead of*
;; typescript-language-server.  To have both, use lsp-mode with testgap as an add-on
;; (testgap-lsp-mode.el), or put an LSP multiplexer in front of the two servers.
;;
;; Settings come from `eglot-workspace-configuration', e.g. in the project's .dir-locals.el
;; (see dir-locals.el next to this file):
;;   ((nil . ((eglot-workspace-configuration . (:testgap (:coverageTargets (:unit 90)))))))

;;; Code:

(require 'eglot)

(defgroup testgap nil "testgap: missing tests and coverage, from a language server." :group 'tools)

(defcustom testgap-command nil
  "Command that starts the testgap language server, as a list.
nil means the project's node_modules/.bin/testgap when it exists, else testgap on PATH."
  :type '(choice (const nil) (repeat string)))

(defcustom testgap-modes
  '(typescript-mode typescript-ts-mode tsx-ts-mode js-mode js-ts-mode js-jsx-mode)
  "Major modes testgap serves."
  :type '(repeat symbol))

(defvar testgap-coverage nil
  "Params of the last `testgap/coverage' notification (a plist), for mode lines and commands.")

(defun testgap--server-command (&rest _ignored)
  "The command line for the testgap server of the current project."
  (or testgap-command
      (let* ((root (locate-dominating-file default-directory "package.json"))
             (local (and root (expand-file-name "node_modules/.bin/testgap" root))))
        (list (if (and local (file-executable-p local)) local "testgap") "lsp" "--stdio"))))

(add-to-list 'eglot-server-programs (cons testgap-modes #'testgap--server-command))

(cl-defmethod eglot-handle-notification (_server (_method (eql testgap/coverage)) &rest params)
  "Keep the figures of `testgap/coverage' and say them in the echo area."
  (setq testgap-coverage params)
  (let ((total (plist-get params :total)))
    (if (or (eq (plist-get params :stale) t) (null total))
        (message "testgap: measuring coverage…")
      (message "testgap: %s %% of lines, %s %% of branches covered"
               (plist-get (plist-get total :lines) :pct)
               (plist-get (plist-get total :branches) :pct)))))

(provide 'testgap-eglot)
;;; testgap-eglot.el ends here
