;; Copy to .dir-locals.el at the project root: settings for the testgap server (protocol.md lists them all).
;; Eglot sends them in workspace/configuration; lsp-mode reads the `testgap-settings' variable the same way.
((nil . ((eglot-workspace-configuration . (:testgap (:coverageTargets (:unit 85 :integration 70)
                                                     :coverageOnSave t
                                                     :testDir "test")))
         (testgap-settings . (:coverageTargets (:unit 85 :integration 70)
                              :coverageOnSave t
                              :testDir "test")))))
