from infoscope.cli import main

main()
